import { lstat, mkdir, readdir, readFile, readlink, realpath, rm, stat, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** A host directory mounted read-only at the same path inside the sandbox. */
export interface Bind {
  from: string;
  to: string;
}

/** How a worktree sees the repository's installed dependencies. */
export interface DependencyView {
  /** Real dependency directories to mount read-only inside the sandbox. */
  binds: Bind[];
  /** Worktree-relative dependency paths agentctl made (link farms and links); not part of the tested tree. */
  links: string[];
}

/** Installed-dependency directories that become a link farm: a real folder of one link per entry. */
const FARMED = ['node_modules'];
/** Installed-dependency directories that stay one link to the real, read-only folder. */
const LINKED = ['.venv', 'venv', 'vendor/bundle'];
/** True for a dependency path that becomes a link farm (a real folder), not one link. */
export function isFarmed(path: string): boolean {
  return FARMED.includes(path.split('/').at(-1) ?? '');
}
/** Entries of a farm that runners write (vite's config bundle, ava's and babel's caches): fresh and writable. */
export const RUNNER_CACHES = ['.cache', '.vite', '.vite-temp'];

/** Workspace folders are searched this deep for their own node_modules (packages/foo/node_modules). */
const WORKSPACE_DEPTH = 2;
const SKIP = new Set(['node_modules', '.git', '.agentctl', 'dist', 'build', 'coverage']);

/** The farms made for each worktree, so a test run can reset them without being told where they are. */
const farms = new Map<string, Array<{ farm: string; source: string; repoRoot: string; worktree: string }>>();

async function kind(path: string, follow = false): Promise<'dir' | 'link' | 'other' | 'absent'> {
  try {
    const stats = follow ? await stat(path) : await lstat(path);
    return stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'link' : 'other';
  } catch {
    return 'absent';
  }
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}${sep}`);
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
 * Where a farm entry points: the real entry, except that a workspace link into the repo
 * (node_modules/app -> ../packages/app) points at the worktree's copy, which is what is tested.
 */
async function linkTarget(source: string, name: string, repoRoot: string, worktree: string): Promise<string> {
  const entry = join(source, name);
  if ((await kind(entry)) !== 'link') return entry;
  const resolved = await realpath(entry).catch(() => entry);
  // Only links out of the dependency folder into the repository (workspaces) are retargeted.
  if (!within(resolved, repoRoot) || within(resolved, source)) return entry;
  const copy = join(worktree, relative(repoRoot, resolved));
  // Untracked folders (a local build) have no copy in the worktree; keep the real entry.
  return (await kind(copy)) === 'absent' ? entry : copy;
}

/**
 * A virtualenv's python is a link to its base interpreter (`home` in pyvenv.cfg); that
 * installation must be visible too, or the venv's python is a dangling link in the sandbox.
 */
async function venvBase(venv: string): Promise<Bind | null> {
  const cfg = await readFile(join(venv, 'pyvenv.cfg'), 'utf8').catch(() => '');
  const home = /^home\s*=\s*(.+)$/m.exec(cfg)?.[1]?.trim();
  if (home === undefined || !isAbsolute(home)) return null;
  const prefix = await realpath(dirname(home)).catch(() => null);
  if (prefix === null || prefix === '/' || within(prefix, '/usr')) return null;
  return { from: prefix, to: prefix };
}

/**
 * Makes `farm` hold exactly one link per entry of `source` plus empty runner caches;
 * anything else (what an earlier run wrote) is removed. Safe to call again.
 */
async function syncFarm(farm: string, source: string, repoRoot: string, worktree: string): Promise<void> {
  const want = new Map<string, string>();
  for (const name of await readdir(source)) {
    if (!RUNNER_CACHES.includes(name)) want.set(name, await linkTarget(source, name, repoRoot, worktree));
  }
  for (const entry of await readdir(farm, { withFileTypes: true })) {
    const target = want.get(entry.name);
    const path = join(farm, entry.name);
    if (target !== undefined && entry.isSymbolicLink() && (await readlink(path)) === target) {
      want.delete(entry.name);
      continue;
    }
    await rm(path, { recursive: true, force: true });
  }
  for (const [name, target] of want) await symlink(target, join(farm, name));
  for (const name of RUNNER_CACHES) await mkdir(join(farm, name));
}

/**
 * Makes the repository's installed dependencies visible in a worktree without copying
 * them or letting a run write to them. Each `node_modules` (root and workspace packages)
 * becomes a link farm: a real folder in the worktree holding one link per entry of the
 * user's folder (`.bin` included), with runner caches (`.cache`, `.vite`, `.vite-temp`) as
 * fresh writable folders; `.venv`, `venv` and `vendor/bundle` become one link (and a
 * virtualenv's base python installation is shown with it). The real folders are returned as `binds` to mount read-only in the sandbox so the links resolve
 * there. A dependency dir is made only where the worktree has the enclosing folder.
 */
export async function prepareDependencies(repoRoot: string, worktree: string): Promise<DependencyView> {
  const root = await realpath(repoRoot);
  const tree = await realpath(worktree);
  const view: DependencyView = { binds: [], links: [] };
  const made: Array<{ farm: string; source: string; repoRoot: string; worktree: string }> = [];
  for (const dir of await projectDirs(root)) {
    for (const name of [...FARMED, ...LINKED]) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      const source = join(root, rel);
      if ((await kind(source, true)) !== 'dir') continue;
      const path = join(tree, rel);
      if ((await kind(dirname(path))) !== 'dir') continue;
      const real = await realpath(source);
      const existing = await kind(path);
      if (FARMED.includes(name)) {
        // A single link made by an earlier version of agentctl becomes a farm.
        if (existing === 'link') await rm(path);
        else if (existing === 'other') continue;
        if (existing !== 'dir') await mkdir(path);
        await syncFarm(path, real, root, tree);
        made.push({ farm: path, source: real, repoRoot: root, worktree: tree });
      } else if (existing === 'absent') {
        await symlink(real, path, 'dir');
      } else if (existing !== 'link' || (await readlink(path)) !== real) {
        continue;
      }
      view.binds.push({ from: real, to: real });
      view.links.push(rel);
      const base = name === 'node_modules' ? null : await venvBase(real);
      if (base !== null && !view.binds.some((b) => b.from === base.from)) view.binds.push(base);
    }
  }
  farms.set(tree, made);
  return view;
}

/**
 * Before a test run: empties the runner caches of the worktree's farms and drops anything
 * an earlier run added to them, so no run sees what another wrote. A worktree this process
 * did not prepare has no farms and is left alone.
 */
export async function resetRunnerCaches(worktree: string): Promise<void> {
  const tree = await realpath(worktree).catch(() => worktree);
  for (const farm of farms.get(tree) ?? []) {
    // A run may have swapped a parent folder for a link; never write through it.
    if ((await realpath(dirname(farm.farm)).catch(() => null)) !== dirname(farm.farm)) continue;
    if ((await kind(farm.farm)) !== 'dir') {
      await rm(farm.farm, { recursive: true, force: true });
      await mkdir(farm.farm);
    }
    await syncFarm(farm.farm, farm.source, farm.repoRoot, farm.worktree);
  }
}

/** The read-only binds of {@link prepareDependencies}, for callers that do not need `links` yet. */
export async function linkDependencies(repoRoot: string, worktree: string): Promise<Bind[]> {
  return (await prepareDependencies(repoRoot, worktree)).binds;
}
