import { dataBlock } from '../core/data-block.js';
import { checkWritePaths } from '../../sandbox/path-guard.js';
import type { TrustMechanisms } from './context.js';
import { syncWorktree } from './worktree.js';

/** The real trust mechanisms: the ones every run uses. */
export const REAL_TRUST: TrustMechanisms = {
  testBinds: (ctx) => ctx.readOnlyBinds,
  guardPaths: checkWritePaths,
  encodeData: dataBlock,
  restoreTree: (ctx, tree) => syncWorktree(ctx, tree),
  // Only the tree GREEN ran on is committed; nothing is read from disk.
  treeToCommit: (_ctx, tested) => Promise.resolve(tested),
};
