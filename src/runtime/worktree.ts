import { mkdir, readdir, readlink, realpath, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunState } from '../core/state.js';
import { InternalError } from '../errors.js';
import { gitDirOf, readBlobs, readTree, treeOf, writeBlob, writeTree, type TreeMap } from '../git/objects.js';
import { syncTree, type OwnLink } from '../../sandbox/tree-sync.js';
import type { RunContext } from './context.js';

/**
 * A run's worktree is a plain directory agentctl writes from git trees it built itself; it has no `.git` entry,
 * and git never reads it. These helpers tie the sandbox's tree sync to one run's repository.
 */

const gitDirs = new Map<string, Promise<string>>();
const trees = new Map<string, Promise<TreeMap>>();

/** The real git dir of the user's repository (cached per repo root). */
export function gitDirFor(repoRoot: string): Promise<string> {
  let dir = gitDirs.get(repoRoot);
  if (dir === undefined) {
    dir = gitDirOf(repoRoot);
    gitDirs.set(repoRoot, dir);
    dir.catch(() => gitDirs.delete(repoRoot));
  }
  return dir;
}

/** The flattened entries of `tree` (cached: trees are immutable). */
export async function treeEntries(gitDir: string, tree: string): Promise<TreeMap> {
  const key = `${gitDir}\0${tree}`;
  let entries = trees.get(key);
  if (entries === undefined) {
    entries = readTree(gitDir, tree);
    trees.set(key, entries);
    entries.catch(() => trees.delete(key));
  }
  return new Map(await entries);
}

/** The tree of the run's base commit. */
export async function baseTree(ctx: RunContext): Promise<string> {
  return treeOf(await gitDirFor(ctx.repoRoot), ctx.baseSha);
}

/** Text of `path` in `tree`, or null when the tree has no file there. */
export async function textInTree(ctx: RunContext, tree: string, path: string): Promise<string | null> {
  const gitDir = await gitDirFor(ctx.repoRoot);
  const entry = (await treeEntries(gitDir, tree)).get(path);
  if (entry === undefined || entry.mode === '160000' || entry.mode === '120000') return null;
  return (await readBlobs(gitDir, [entry.sha])).get(entry.sha)?.toString('utf8') ?? null;
}

/** A change to one file as a tree sees it: new bytes, or null to remove it. */
export interface TreeChange {
  path: string;
  after: string | null;
}

/** The tree `start` becomes with `changes` applied: blobs hashed from the bytes given, modes kept. */
export async function buildTree(
  ctx: RunContext,
  start: string,
  changes: readonly TreeChange[],
): Promise<string> {
  const gitDir = await gitDirFor(ctx.repoRoot);
  const entries = await treeEntries(gitDir, start);
  for (const change of changes) {
    if (change.after === null) {
      entries.delete(change.path);
      continue;
    }
    const mode = entries.get(change.path)?.mode;
    const sha = await writeBlob(gitDir, Buffer.from(change.after, 'utf8'));
    entries.set(change.path, { mode: mode === '100755' ? mode : '100644', sha });
  }
  return writeTree(gitDir, entries);
}

/**
 * Makes the worktree hold exactly `tree` (creating the directory when missing) and returns the paths that
 * differed. Dependency links are left alone.
 */
export async function syncWorktree(
  ctx: RunContext,
  tree: string,
  afterFirstWrite?: () => Promise<void>,
): Promise<string[]> {
  const gitDir = await gitDirFor(ctx.repoRoot);
  await mkdir(ctx.worktree, { recursive: true });
  const links = await ownLinks(ctx);
  return syncTree(ctx.worktree, await treeEntries(gitDir, tree), (shas) => readBlobs(gitDir, shas), {
    skip: links.map((l) => l.path),
    links,
    ...(afterFirstWrite !== undefined ? { afterFirstWrite } : {}),
  });
}

/** The dependency links the worktree must hold: each of `ctx.depLinks` the user's checkout has as a directory. */
async function ownLinks(ctx: RunContext): Promise<OwnLink[]> {
  const links: OwnLink[] = [];
  for (const path of ctx.depLinks) {
    const target = await realpath(join(ctx.repoRoot, path)).catch(() => null);
    if (target !== null && (await stat(target)).isDirectory()) links.push({ path, target });
  }
  return links;
}

const DEPENDENCY_NAMES = new Set(['node_modules', '.venv', 'venv', 'bundle']);

/**
 * Dependency links found in `dir` right after they were made (workspace packages' node_modules too): only a link
 * pointing at the same directory of the user's checkout `repoRoot` counts.
 */
export async function dependencyLinksIn(dir: string, repoRoot: string, depth = 4): Promise<OwnLink[]> {
  const found: OwnLink[] = [];
  const visit = async (rel: string, level: number): Promise<void> => {
    const entries = await readdir(rel === '' ? dir : join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && level < depth) await visit(path, level + 1);
      if (!entry.isSymbolicLink() || !DEPENDENCY_NAMES.has(entry.name)) continue;
      const target = await readlink(join(dir, path)).catch(() => null);
      const source = await realpath(join(repoRoot, path)).catch(() => null);
      if (target !== null && target === source) found.push({ path, target });
    }
  };
  await visit('', 1);
  return found;
}

/** Adds the dependency links just made in the run's worktree to `ctx.depLinks`, which restores leave alone. */
export async function adoptDependencyLinks(ctx: RunContext): Promise<void> {
  const links = await dependencyLinksIn(ctx.worktree, ctx.repoRoot);
  ctx.depLinks = [...new Set([...ctx.depLinks, ...links.map((l) => l.path)])];
}

/** Creates the directory a run's worktree lives in. */
export async function createWorktreeDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/** Removes a worktree directory; links inside are removed, never followed. */
export async function removeWorktreeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** The tree the worktree must hold in `state`: the last accepted patch's, else the base commit's. */
export async function stateTree(state: RunState, ctx: RunContext): Promise<string> {
  if (state.phase === 'AUTHOR_FIX') return state.lock.tree;
  const patch = 'fixPatch' in state ? state.fixPatch : 'testPatch' in state ? state.testPatch : null;
  if (patch === null) return baseTree(ctx);
  if (patch.tree === undefined)
    throw new InternalError(
      `the journal records no tree for patch ${patch.sha.slice(0, 12)}; it predates tree-based runs`,
    );
  return patch.tree;
}
