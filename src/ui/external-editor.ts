import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What came of showing a patch in the user's editor, or in their pager when no editor is set. */
export type EditorOutcome =
  | { kind: 'unchanged' }
  | { kind: 'changed'; text: string }
  | { kind: 'paged' }
  | { kind: 'unavailable'; message: string };

/**
 * Opens a patch in the user's editor; injected so the review screen can be tested without one. `whole` is the
 * entire change (fix and test), which a pager shows when there is no editor to edit the fix in.
 */
export type OpenEditor = (diff: string, whole?: string) => Promise<EditorOutcome>;

const DEFAULT_PAGER = 'less -R';
const ESC = '\u001B';

/** Colours a unified diff the way `git diff` does, for `less -R`. */
function colorDiff(text: string): string {
  return text
    .split('\n')
    .map((l) => {
      if (l.startsWith('+++') || l.startsWith('---')) return `${ESC}[1m${l}${ESC}[0m`;
      if (l.startsWith('+')) return `${ESC}[32m${l}${ESC}[0m`;
      if (l.startsWith('-')) return `${ESC}[31m${l}${ESC}[0m`;
      if (l.startsWith('@@')) return `${ESC}[36m${l}${ESC}[0m`;
      return l;
    })
    .join('\n');
}

/**
 * Shows `text` in $PAGER, or `less -R` when $PAGER is unset, through `sh -c` so a pager with arguments works;
 * the text goes to its standard input (less reads keys from the terminal). Says plainly when there is none.
 */
export function showInPager(env: NodeJS.ProcessEnv, text: string): EditorOutcome {
  const pager = (env.PAGER ?? '').trim() || DEFAULT_PAGER;
  const colored = pager === DEFAULT_PAGER && env.NO_COLOR === undefined;
  const run = spawnSync('sh', ['-c', pager], {
    input: colored ? colorDiff(text) : text,
    stdio: ['pipe', 'inherit', 'inherit'],
    env,
  });
  // A pager that quits before reading everything (q in less) closes the pipe: EPIPE is no failure.
  const broken = run.error !== undefined && (run.error as NodeJS.ErrnoException).code !== 'EPIPE';
  // sh exits 127 when it cannot find the command.
  if (broken || run.status === 127)
    return {
      kind: 'unavailable',
      message: `no editor or pager here: $EDITOR and $VISUAL are unset and "${pager}" cannot be run; set $EDITOR or $PAGER to read the whole change`,
    };
  if (run.status !== 0)
    return { kind: 'unavailable', message: `the pager "${pager}" failed (exit ${run.status ?? run.signal})` };
  return { kind: 'paged' };
}

/**
 * Opens `diff` in $VISUAL or $EDITOR and hands back what the user saved, if they changed it; the review screen
 * turns a change into an `edit` decision, which the runtime checks like any fix (scope, apply, GREEN). Runs the
 * editor as git does, through `sh -c '$EDITOR "$1"'`, so an editor with arguments ("code --wait") works. With
 * neither set, shows `whole` in the pager instead. spawnSync blocks the event loop, so ink reads no keys while
 * the editor or pager owns the terminal.
 */
export function externalEditor(env: NodeJS.ProcessEnv): OpenEditor {
  return async (diff, whole = diff) => {
    const editor = (env.VISUAL ?? env.EDITOR ?? '').trim();
    if (editor === '') return showInPager(env, whole);
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
