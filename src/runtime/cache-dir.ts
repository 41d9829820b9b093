import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user cache where worktrees live: out of the user's checkout (so their own runner never collects them)
 * and out of `.git` (jest's crawler skips any path containing `/.git/`).
 */
export function worktreesRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.AGENTCTL_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'agentctl');
  return join(base, 'worktrees');
}
