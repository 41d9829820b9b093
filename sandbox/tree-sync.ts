import { createHash } from 'node:crypto';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { TreeMap } from '../src/git/objects.js';
import { dirSafe, readSafe, removeSafe, symlinkSafe, writeSafe } from './safe-fs.js';

/**
 * Keeps a worktree exactly equal to a git tree agentctl built, without git ever looking at the worktree: the
 * walk lstat's every entry (links are never followed), blob hashes are computed here, and every repair goes
 * through safe-fs. Paths in `skip` (dependency links) are neither walked nor touched.
 */

/** What the walk found at one path. */
interface Found {
  kind: 'file' | 'link' | 'other';
  mode: string;
  sha: string;
}

/** Reads blob contents by sha (from the repository's object database). */
export type BlobReader = (shas: string[]) => Promise<Map<string, Buffer>>;

/** A link agentctl itself placed in the worktree (a dependency dir), which must still point where it did. */
export interface OwnLink {
  path: string;
  target: string;
}

export interface SyncOptions {
  /** Repo-relative paths never walked (dependency links, runner cache layers). */
  skip?: readonly string[];
  /** agentctl's own links among `skip`: one replaced or re-pointed by a test run is put back. */
  links?: readonly OwnLink[];
  /** Called once after the first file is written (the crash tests' `apply:mid`). */
  afterFirstWrite?: () => Promise<void>;
}

type HashKind = 'sha1' | 'sha256';

const BATCH = 256;

/** The git blob id of `content`, computed in-process (`blob <size>\0` + bytes). */
export function blobHash(content: Uint8Array, kind: HashKind = 'sha1'): string {
  return createHash(kind).update(`blob ${content.length}\0`).update(content).digest('hex');
}

interface CacheEntry {
  key: string;
  sha: string;
}

// ctime cannot be set from user space, so dev/ino/size/mtime/ctime unchanged means content unchanged.
const statCache = new Map<string, CacheEntry>();

async function hashFile(root: string, path: string, key: string, kind: HashKind): Promise<string> {
  const abs = join(root, path);
  const cached = statCache.get(abs);
  if (cached?.key === key) return cached.sha;
  const bytes = await readSafe(root, path);
  const sha = bytes === null ? '' : blobHash(bytes, kind);
  statCache.set(abs, { key, sha });
  return sha;
}

/** Walks the worktree: files, links and other entries by path, and every real directory. */
async function walk(root: string, skip: ReadonlySet<string>, gitlinks: ReadonlySet<string>, kind: HashKind) {
  const found = new Map<string, Found>();
  const dirs: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(rel === '' ? root : join(root, rel));
    for (const name of entries) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (skip.has(path)) continue;
      const st = await lstat(join(root, path), { bigint: true });
      if (st.isDirectory()) {
        dirs.push(path);
        if (!gitlinks.has(path)) await visit(path);
      } else if (st.isSymbolicLink()) {
        found.set(path, {
          kind: 'link',
          mode: '120000',
          sha: blobHash(await readlink(join(root, path), { encoding: 'buffer' }), kind),
        });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.mode}`;
        const mode = (st.mode & 0o100n) !== 0n ? '100755' : '100644';
        found.set(path, { kind: 'file', mode, sha: await hashFile(root, path, key, kind) });
      } else {
        found.set(path, { kind: 'other', mode: '', sha: '' });
      }
    }
  };
  await visit('');
  return { found, dirs };
}

function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * Makes the worktree at `root` hold exactly `expected` (removing extra files, links and directories, rewriting
 * changed files, recreating missing ones) and returns the repo-relative paths that differed, sorted.
 */
export async function syncTree(
  root: string,
  expected: TreeMap,
  readBlobs: BlobReader,
  opts: SyncOptions = {},
): Promise<string[]> {
  const kind: HashKind = [...expected.values()][0]?.sha.length === 64 ? 'sha256' : 'sha1';
  const skip = new Set(opts.skip ?? []);
  const gitlinks = new Set([...expected].filter(([, e]) => e.mode === '160000').map(([p]) => p));
  const { found, dirs } = await walk(root, skip, gitlinks, kind);
  const keepDirs = new Set<string>(gitlinks);
  for (const path of [...expected.keys(), ...skip]) for (const dir of ancestors(path)) keepDirs.add(dir);

  const changed = new Set<string>();
  const toRemove: string[] = [];
  // Directories nobody expects go whole, reported once as `dir/`; the outermost one is enough.
  const extraDirs = new Set(dirs.filter((d) => !keepDirs.has(d) && !expected.has(d)));
  const topExtra = [...extraDirs].filter((d) => !ancestors(d).some((a) => extraDirs.has(a)));
  for (const dir of topExtra) {
    toRemove.push(dir);
    changed.add(`${dir}/`);
  }
  for (const [path, at] of found) {
    if (ancestors(path).some((a) => extraDirs.has(a))) continue;
    const want = expected.get(path);
    if (want === undefined || want.mode === '160000') toRemove.push(path);
    if (want === undefined || want.mode !== at.mode || want.sha !== at.sha) changed.add(path);
  }
  const missing = [...expected].filter(([path, want]) => {
    const at = found.get(path);
    if (want.mode === '160000') return !dirs.includes(path);
    return at === undefined || at.mode !== want.mode || at.sha !== want.sha;
  });
  for (const [path] of missing) changed.add(path);

  for (const path of toRemove) await removeSafe(root, path);
  for (const link of opts.links ?? []) {
    const target = await readlink(join(root, link.path)).catch(() => null);
    if (target === link.target) continue;
    await symlinkSafe(root, link.path, link.target);
    changed.add(link.path);
  }
  let written = 0;
  // Blobs are fetched a batch at a time, so a whole checkout never sits in memory at once.
  for (let i = 0; i < missing.length; i += BATCH) {
    const batch = missing.slice(i, i + BATCH);
    const blobs = await readBlobs(batch.filter(([, e]) => e.mode !== '160000').map(([, e]) => e.sha));
    for (const [path, want] of batch) {
      if (want.mode === '160000') await dirSafe(root, path);
      else if (want.mode === '120000') await symlinkSafe(root, path, blobs.get(want.sha)!.toString('utf8'));
      else await writeSafe(root, path, blobs.get(want.sha)!, want.mode === '100755' ? 0o755 : 0o644);
      if (++written === 1) await opts.afterFirstWrite?.();
    }
  }
  return [...changed].sort();
}

/**
 * Regular files under `root`, repo-relative and sorted, without following links; directories named like
 * dependency folders are not entered.
 */
export async function listWorktreeFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && !DEPENDENCY_DIRS.has(entry.name) && entry.name !== '.git') await visit(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await visit('');
  return files.sort();
}

const DEPENDENCY_DIRS = new Set(['node_modules', '.venv', 'venv']);
