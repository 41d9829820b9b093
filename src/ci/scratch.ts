import { randomBytes } from 'node:crypto';
import { mkdir, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareDependencies } from '../../sandbox/deps-link.js';
import { syncTree, type OwnLink } from '../../sandbox/tree-sync.js';
import { runTests, type TestRun } from '../../gates/run-tests.js';
import { gitDirOf, readBlobs, readTree, treeOf, writeBlob, writeTree } from '../git/objects.js';
import type { Config } from '../policy/config-schema.js';
import { worktreesRoot } from '../runtime/cache-dir.js';
import { dependencyLinksIn } from '../runtime/worktree.js';
import { trackScratch, untrackScratch } from './scratch-cleanup.js';

/**
 * A scratch directory holding one commit's tree, outside the user's checkout, with the repo's dependencies
 * linked in. It is a plain directory agentctl writes itself: no `.git` entry, nothing registered with git.
 */
export interface Scratch {
  root: string;
  dir: string;
  sha: string;
  gitDir: string;
  /** The tree the directory must hold; every run starts from it and ends with it restored. */
  tree: string;
  binds: Array<{ from: string; to: string }>;
  /** Dependency paths made in the directory (link farms, links): restores never walk them. */
  skip: string[];
  /** Those of them that are single links: put back when a run replaced them. */
  links: OwnLink[];
}

/** Makes the scratch directory hold exactly its tree again. */
async function restore(scratch: Scratch): Promise<string[]> {
  const entries = await readTree(scratch.gitDir, scratch.tree);
  return syncTree(scratch.dir, entries, (shas) => readBlobs(scratch.gitDir, shas), {
    skip: scratch.skip,
    links: scratch.links,
  });
}

/** Creates a scratch directory holding `sha`'s tree, named uniquely so concurrent checks never share one. */
export async function openScratch(root: string, sha: string, label: string): Promise<Scratch> {
  const path = join(worktreesRoot(), `ci-${label}-${sha.slice(0, 8)}-${randomBytes(6).toString('hex')}`);
  await mkdir(path, { recursive: true });
  trackScratch(path);
  // Runners print real paths; the directory must be named the same way for report paths to match.
  const dir = await realpath(path);
  const gitDir = await gitDirOf(root);
  const scratch: Scratch = {
    root,
    dir,
    sha,
    gitDir,
    tree: await treeOf(gitDir, sha),
    binds: [],
    skip: [],
    links: [],
  };
  await restore(scratch);
  const view = await prepareDependencies(root, dir);
  scratch.binds = view.binds;
  scratch.skip = view.links;
  scratch.links = await dependencyLinksIn(root, view.links);
  return scratch;
}

export async function closeScratch(scratch: Scratch): Promise<void> {
  await rm(scratch.dir, { recursive: true, force: true });
  untrackScratch(scratch.dir);
}

/** Makes the scratch tree `paths` as they are in commit `sha` (absent there: removed), then the directory too. */
export async function checkoutPaths(scratch: Scratch, sha: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  const entries = await readTree(scratch.gitDir, scratch.tree);
  const from = await readTree(scratch.gitDir, await treeOf(scratch.gitDir, sha));
  for (const path of paths) {
    const entry = from.get(path);
    if (entry === undefined) entries.delete(path);
    else entries.set(path, entry);
  }
  scratch.tree = await writeTree(scratch.gitDir, entries);
  await restore(scratch);
}

/** Applies text changes to the scratch tree (null removes a file), then to the directory. */
export async function changeScratch(
  scratch: Scratch,
  changes: ReadonlyArray<{ path: string; after: string | null }>,
): Promise<void> {
  const entries = await readTree(scratch.gitDir, scratch.tree);
  for (const change of changes) {
    if (change.after === null) entries.delete(change.path);
    else {
      const mode = entries.get(change.path)?.mode === '100755' ? '100755' : '100644';
      entries.set(change.path, {
        mode,
        sha: await writeBlob(scratch.gitDir, Buffer.from(change.after, 'utf8')),
      });
    }
  }
  scratch.tree = await writeTree(scratch.gitDir, entries);
  await restore(scratch);
}

/** Runs `files` (the whole suite when empty) on exactly the scratch tree, sandboxed as the config says. */
export async function runIn(
  scratch: Scratch,
  config: Config,
  isTestFile: (path: string) => boolean,
  files: readonly string[],
): Promise<TestRun> {
  await restore(scratch);
  try {
    return await runTests({ worktree: scratch.dir, config, files, isTestFile, readOnlyBinds: scratch.binds });
  } finally {
    await restore(scratch);
  }
}
