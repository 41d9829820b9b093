import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { checkWritePaths, type GuardPolicy } from '../../sandbox/path-guard.js';
import type { RunContext } from '../runtime/context.js';
import { gitDirFor } from '../runtime/worktree.js';

/**
 * The weaker mechanisms `agentctl eval --sabotage` swaps in: each is what a naive agent does instead of the real
 * mechanism (docs/security.md), so a scenario that still passes with it in place tests nothing.
 */

/**
 * The tree a checkout's git would stage from disk: `git add -A` and `write-tree` run in the worktree, through its
 * own `.git` when it has one (as git itself would), else through the repository's git dir with a scratch index.
 * Ignore rules, attributes and whatever `.git` a test planted all apply.
 */
export async function stagedFromDisk(ctx: RunContext): Promise<string> {
  const own = await lstat(join(ctx.worktree, '.git')).then(
    () => true,
    () => false,
  );
  const scratch = await mkdtemp(join(tmpdir(), 'agentctl-sabotage-'));
  const where = own
    ? ['-C', ctx.worktree]
    : ['--git-dir', await gitDirFor(ctx.repoRoot), '--work-tree', ctx.worktree];
  const git = async (args: string[]) =>
    (
      await execa('git', [...where, ...args], {
        cwd: ctx.worktree,
        // A planted fsmonitor hook may read stdin; a bounded run keeps a hostile one from hanging the eval.
        stdin: 'ignore',
        timeout: 60_000,
        env: own ? {} : { GIT_INDEX_FILE: join(scratch, 'index') },
      })
    ).stdout.trim();
  try {
    await git(['add', '-A']);
    return await git(['write-tree']);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The path guard without its control-character and unsafe-name rules (absolute, `..`, `.git`, links stay). */
export function unnamedRulesGuard(root: string, paths: string[], policy: GuardPolicy) {
  return checkWritePaths(root, paths, policy, { names: false });
}

/** A data block with one fixed tag: any `</repo-data>` in the body closes it. */
export function fixedTagBlock(source: string, body: string): string {
  return `<repo-data source=${JSON.stringify(source)}>\n${body}\n</repo-data>`;
}
