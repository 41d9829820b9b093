import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What came of showing a patch in the user's editor. */
export type EditorOutcome =
  { kind: 'unchanged' } | { kind: 'changed' } | { kind: 'unavailable'; message: string };

/** Opens a patch in the user's editor; injected so the review screen can be tested without one. */
export type OpenEditor = (diff: string) => Promise<EditorOutcome>;

/**
 * Shows `diff` in $VISUAL or $EDITOR for inspection and reports whether the user changed it. The file is
 * read-only (mode 0444) as a hint; a changed patch is not used, because an edited patch would have to pass
 * every gate again and the core has no event for a user-authored patch yet. Runs the editor as git does,
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
      await chmod(file, 0o444);
      const run = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env });
      if (run.error !== undefined || run.status !== 0) {
        const why = run.error?.message ?? `exit ${run.status ?? run.signal}`;
        return { kind: 'unavailable', message: `the editor "${editor}" failed (${why})` };
      }
      const after = await readFile(file, 'utf8').catch(() => '');
      return after === diff ? { kind: 'unchanged' } : { kind: 'changed' };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
