import { lstat, readdir, readlink, realpath, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Installed-dependency directories that git does not track, relative to a project dir. */
const DEPENDENCY_DIRS = ['node_modules', '.venv', 'venv', 'vendor/bundle'];

/** Workspace folders are searched this deep for their own node_modules (packages/foo/node_modules). */
const WORKSPACE_DEPTH = 2;
const SKIP = new Set(['node_modules', '.git', '.agentctl', 'dist', 'build', 'coverage']);

async function kind(path: string, follow = false): Promise<'dir' | 'link' | 'other' | 'absent'> {
  try {
    const stats = follow ? await stat(path) : await lstat(path);
    return stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'link' : 'other';
  } catch {
    return 'absent';
  }
}

/** Relative folders of the repo (root first) that may hold their own dependency dirs. */
async function projectDirs(repoRoot: string): Promise<string[]> {
  const found = [''];
  let level = [''];
  for (let depth = 0; depth < WORKSPACE_DEPTH; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      const entries = await readdir(join(repoRoot, rel), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (entry.isDirectory() && !SKIP.has(entry.name))
          next.push(rel === '' ? entry.name : `${rel}/${entry.name}`);
      }
    }
    found.push(...next);
    level = next;
  }
  return found;
}

/**
 * Makes dependency directories the worktree lacks (node_modules, .venv, venv,
 * vendor/bundle, and workspace packages' node_modules) visible in it without copying:
 * a symlink in the worktree serves unsandboxed runs, and the returned pairs, passed as
 * `readOnlyBinds`, mount each real directory read-only inside the sandbox so the link
 * resolves there too (bwrap cannot mount over the link itself). A dependency dir is
 * linked only where the worktree has the enclosing folder, so nothing is created
 * outside tracked folders.
 */
export async function linkDependencies(
  repoRoot: string,
  worktree: string,
): Promise<Array<{ from: string; to: string }>> {
  const binds: Array<{ from: string; to: string }> = [];
  for (const dir of await projectDirs(repoRoot)) {
    for (const name of DEPENDENCY_DIRS) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      const source = join(repoRoot, rel);
      if ((await kind(source, true)) !== 'dir') continue;
      const link = join(worktree, rel);
      if ((await kind(dirname(link))) !== 'dir') continue;
      const real = await realpath(source);
      const existing = await kind(link);
      // A link left by an earlier call is reused, so calling twice is harmless.
      if (existing === 'link' && (await readlink(link)) === real) binds.push({ from: real, to: real });
      if (existing !== 'absent') continue;
      await symlink(real, link, 'dir');
      binds.push({ from: real, to: real });
    }
  }
  return binds;
}
