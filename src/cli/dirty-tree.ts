import { raw } from '../git/repo.js';

/** How many uncommitted paths a warning names before it counts the rest. */
const SHOWN = 10;

/** `git status --porcelain` lines of the work tree: uncommitted changes and untracked files, e.g. " M src/a.js". */
export async function uncommittedFiles(root: string): Promise<string[]> {
  const out = await raw(root, ['status', '--porcelain=v1', '--untracked-files=normal']);
  return out.split('\n').filter((line) => line.trim() !== '');
}

/**
 * The warning a run on a dirty tree starts with: the run works from HEAD, so what is not committed is not in
 * it (and a later merge may collide with it).
 */
export function dirtyTreeWarning(files: readonly string[], head: string): string[] {
  const shown = files.slice(0, SHOWN).map((f) => `    ${f}`);
  const more = files.length > SHOWN ? [`    … and ${files.length - SHOWN} more (git status)`] : [];
  return [
    `agentctl: warning: the work tree has uncommitted changes; this run starts from HEAD (${head.slice(0, 12)}) and does not see them:`,
    ...shown,
    ...more,
    '  Commit them first if the task depends on them; the run never touches your work tree.',
  ];
}

/** A merge command that works: with local changes, stash them around the merge. */
export function mergeHint(branch: string, dirty: boolean, git = 'git'): string {
  return dirty ? `${git} stash -u && ${git} merge ${branch} && ${git} stash pop` : `${git} merge ${branch}`;
}
