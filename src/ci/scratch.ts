import { randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { linkDependencies } from '../../sandbox/deps-link.js';
import { runTests, type TestRun } from '../../gates/run-tests.js';
import { ensureWorktree, raw, removeWorktree } from '../git/repo.js';
import type { Config } from '../policy/config-schema.js';
import { worktreesRoot } from '../runtime/cache-dir.js';

/** A detached worktree of one commit, outside the user's checkout, with the repo's dependencies linked in. */
export interface Scratch {
  root: string;
  dir: string;
  sha: string;
  binds: Array<{ from: string; to: string }>;
}

/** Creates a detached scratch worktree of `sha`, named uniquely so concurrent checks never share one. */
export async function openScratch(root: string, sha: string, label: string): Promise<Scratch> {
  const path = join(worktreesRoot(), `ci-${label}-${sha.slice(0, 8)}-${randomBytes(6).toString('hex')}`);
  await ensureWorktree(root, path, sha);
  // Runners print real paths; the worktree must be named the same way for report paths to match.
  const dir = await realpath(path);
  return { root, dir, sha, binds: await linkDependencies(root, dir) };
}

export async function closeScratch(scratch: Scratch): Promise<void> {
  await removeWorktree(scratch.root, scratch.dir);
}

/** Makes `paths` in the scratch worktree exactly as they are in commit `sha` (binary-safe). */
export async function checkoutPaths(scratch: Scratch, sha: string, paths: readonly string[]): Promise<void> {
  if (paths.length > 0) await raw(scratch.dir, ['checkout', sha, '--', ...paths]);
}

/** Runs `files` (the whole suite when empty) in the scratch worktree, sandboxed as the config says. */
export function runIn(
  scratch: Scratch,
  config: Config,
  isTestFile: (path: string) => boolean,
  files: readonly string[],
): Promise<TestRun> {
  return runTests({ worktree: scratch.dir, config, files, isTestFile, readOnlyBinds: scratch.binds });
}
