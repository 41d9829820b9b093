import type { ChangeStatus } from '../../gates/behavior-change.js';
import { UsageError } from '../errors.js';
import { gitIn } from '../git/git-dir.js';
import { gitDirOf } from '../git/objects.js';
import { fileInTree } from '../git/repo.js';

/** A file the pull request changed, with its contents on both sides where they were read. */
export interface ChangedFile {
  path: string;
  status: ChangeStatus;
  before: string | null;
  after: string | null;
}

/** The commit a ref names, or a usage error (exit 2) that names the ref. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  const gitDir = await gitDirOf(root);
  const sha = await gitIn(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
    .then((out) => out.trim())
    .catch(() => '');
  if (sha !== '') return sha;
  throw new UsageError(
    `${ref} is not a commit in ${root}.`,
    'Pass refs that exist locally (in CI, fetch the history: actions/checkout with fetch-depth: 0).',
  );
}

/** Where head forked from base: a pull request's own changes are those since then. */
export async function mergeBase(root: string, base: string, head: string): Promise<string> {
  try {
    return (await gitIn(await gitDirOf(root), ['merge-base', base, head])).trim();
  } catch {
    throw new UsageError(`${base} and ${head} share no history.`, 'Pass a base that head was branched from.');
  }
}

const STATUS: Record<string, ChangeStatus> = { A: 'added', M: 'modified', T: 'modified', D: 'deleted' };

/**
 * Files changed from `from` to `to` (renames as delete + add). Contents are read only where `wantContent`
 * says so — code and tests — never for images or lockfiles.
 */
export async function changedFiles(
  root: string,
  from: string,
  to: string,
  wantContent: (path: string) => boolean,
): Promise<ChangedFile[]> {
  // Two commits compared inside the object database: no worktree, attribute or external diff is consulted.
  const args = ['diff-tree', '-r', '--name-status', '--no-renames', '--no-ext-diff', '--no-textconv', '-z'];
  const out = await gitIn(await gitDirOf(root), [...args, from, to]);
  const parts = out.split('\0').filter((p) => p !== '');
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = STATUS[parts[i]!.charAt(0)] ?? 'modified';
    const path = parts[i + 1]!;
    const read = wantContent(path);
    files.push({
      path,
      status,
      before: read && status !== 'added' ? await fileInTree(root, from, path) : null,
      after: read && status !== 'deleted' ? await fileInTree(root, to, path) : null,
    });
  }
  return files;
}
