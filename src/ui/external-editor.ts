import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What came of showing a patch in the user's editor. */
export type EditorOutcome =
  { kind: 'unchanged' } | { kind: 'changed'; text: string } | { kind: 'unavailable'; message: string };

/** Opens a patch in the user's editor; injected so the review screen can be tested without one. */
export type OpenEditor = (diff: string) => Promise<EditorOutcome>;

/**
 * Opens `diff` in $VISUAL or $EDITOR and hands back what the user saved, if they changed it; the review screen
 * turns a change into an `edit` decision, which the runtime checks like any fix (scope, apply, GREEN). Runs the
 * editor as git does,
 * through `sh -c '$EDITOR "$1"'`, so an editor with arguments ("code --wait") works. spawnSync blocks the event
 * loop, so ink reads no keys while the editor owns the terminal.
 */
export function externalEditor(env: NodeJS.ProcessEnv): OpenEditor {
  return async (diff) => {
    const editor = (env.VISUAL ?? env.EDITOR ?? '').trim();
    if (editor === '')
      return { kind: 'unavailable', message: 'set $EDITOR to inspect the patch in an editor' };
    const dir = await mkdtemp(join(tmpdir(), 'agentctl-review-'));
    const file = join(dir, 'patch.diff');
    try {
      await writeFile(file, diff);
      const run = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env });
      if (run.error !== undefined || run.status !== 0) {
        const why = run.error?.message ?? `exit ${run.status ?? run.signal}`;
        return { kind: 'unavailable', message: `the editor "${editor}" failed (${why})` };
      }
      const after = await readFile(file, 'utf8').catch(() => '');
      return after === diff || after.trim() === '' ? { kind: 'unchanged' } : { kind: 'changed', text: after };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
