import { mkdir, realpath, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunState } from '../core/state.js';
import { InternalError } from '../errors.js';
import { gitDirOf, readBlobs, readTree, treeOf, writeBlob, writeTree, type TreeMap } from '../git/objects.js';
import { isFarmed, prepareDependencies } from '../../sandbox/deps-link.js';
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
    skip: ctx.depLinks,
    links,
    ...(afterFirstWrite !== undefined ? { afterFirstWrite } : {}),
  });
}

/** The dependency links the worktree must hold (link farms aside: the sandbox resets those before every run). */
async function ownLinks(ctx: RunContext): Promise<OwnLink[]> {
  const links = await dependencyLinksIn(ctx.repoRoot, ctx.depLinks);
  const dirs = await Promise.all(
    links.map((l) =>
      stat(l.target).then(
        (st) => st.isDirectory(),
        () => false,
      ),
    ),
  );
  return links.filter((_, i) => dirs[i]);
}

/** agentctl's own single links among dependency `paths` (not farms), with the folder each must point at. */
export async function dependencyLinksIn(repoRoot: string, paths: readonly string[]): Promise<OwnLink[]> {
  const found: OwnLink[] = [];
  for (const path of paths) {
    if (isFarmed(path)) continue;
    const target = await realpath(join(repoRoot, path)).catch(() => null);
    if (target !== null) found.push({ path, target });
  }
  return found;
}

/**
 * Makes the repository's installed dependencies visible in the run's worktree (sandbox/deps-link.ts) and records
 * their paths in `ctx.depLinks`, which tree syncs neither walk nor touch, and their real folders as read-only binds.
 */
export async function attachDependencies(ctx: RunContext): Promise<void> {
  const view = await prepareDependencies(ctx.repoRoot, ctx.worktree);
  ctx.readOnlyBinds = view.binds;
  ctx.depLinks = [...new Set([...ctx.depLinks, ...view.links])];
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
  const patch =
    'changePatch' in state
      ? state.changePatch
      : 'fixPatch' in state
        ? state.fixPatch
        : 'testPatch' in state
          ? state.testPatch
          : null;
  if (patch === null) return baseTree(ctx);
  if (patch.tree === undefined)
    throw new InternalError(
      `the journal records no tree for patch ${patch.sha.slice(0, 12)}; it predates tree-based runs`,
    );
  return patch.tree;
}
