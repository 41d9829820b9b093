import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm, symlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * File access for everything agentctl itself reads or writes inside a worktree. Every component of a path is
 * lstat'ed and must be a real directory; a symbolic link is never followed, so nothing planted by a test run can
 * redirect a read or a write out of the root. Paths are repo-relative with `/` separators.
 */

/** Why a path cannot be used; the caller decides whether that is a refusal or "absent". */
export class UnsafePathError extends Error {
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(`"${path}" ${why}`);
  }
}

/** The path's segments, or an error for absolute paths, `..`, `.`, empty segments or NUL. */
export function segmentsOf(path: string): string[] {
  const segments = path.split('/');
  if (path.startsWith('/') || path.includes('\0')) throw new UnsafePathError(path, 'is not a relative path');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new UnsafePathError(path, 'has an empty, "." or ".." segment');
  return segments;
}

async function kindOf(abs: string): Promise<'dir' | 'file' | 'link' | 'other' | 'absent'> {
  try {
    const st = await lstat(abs);
    if (st.isSymbolicLink()) return 'link';
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    )
      return 'absent';
    throw error;
  }
}

/**
 * The absolute path of `path` under `root` once every parent is checked to be a real directory; null when a
 * parent is missing. A parent that is a link or a file is an {@link UnsafePathError}.
 */
export async function checkedParents(root: string, path: string): Promise<string | null> {
  const segments = segmentsOf(path);
  let abs = root;
  for (const segment of segments.slice(0, -1)) {
    abs = join(abs, segment);
    const kind = await kindOf(abs);
    if (kind === 'absent') return null;
    if (kind !== 'dir')
      throw new UnsafePathError(path, `passes through ${kind === 'link' ? 'a link' : 'a file'}`);
  }
  return join(abs, segments[segments.length - 1]!);
}

/** Bytes of a regular file at `path`, or null when it is absent, a link, or not a regular file. */
export async function readSafe(root: string, path: string): Promise<Buffer | null> {
  let abs: string | null;
  try {
    abs = await checkedParents(root, path);
  } catch {
    return null;
  }
  if (abs === null) return null;
  let handle;
  try {
    // O_NOFOLLOW: a link swapped in after the checks still fails instead of being followed.
    handle = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    if (!(await handle.stat()).isFile()) return null;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Like {@link readSafe}, as UTF-8 text. */
export async function readTextSafe(root: string, path: string): Promise<string | null> {
  return (await readSafe(root, path))?.toString('utf8') ?? null;
}

/** Creates the parent directories of `path`, replacing any link or file in the way; returns the leaf's path. */
async function makeParents(root: string, path: string): Promise<string> {
  const segments = segmentsOf(path);
  let abs = root;
  for (const segment of segments.slice(0, -1)) {
    abs = join(abs, segment);
    const kind = await kindOf(abs);
    if (kind === 'dir') continue;
    // rm removes a link itself, never its target.
    if (kind !== 'absent') await rm(abs, { recursive: true, force: true });
    await mkdir(abs);
  }
  return join(abs, segments[segments.length - 1]!);
}

/** Removes whatever is at `path` (file, link, or directory tree) without following any link. */
export async function removeSafe(root: string, path: string): Promise<void> {
  const abs = await checkedParents(root, path).catch(() => null);
  if (abs !== null) await rm(abs, { recursive: true, force: true });
}

/**
 * Writes a regular file at `path` with `mode`: a new file beside it, renamed over whatever was there (a link is
 * replaced, never written through).
 */
export async function writeSafe(root: string, path: string, data: Uint8Array, mode: number): Promise<void> {
  const abs = await makeParents(root, path);
  if ((await kindOf(abs)) === 'dir') await rm(abs, { recursive: true, force: true });
  const temp = `${abs}.agentctl-${randomBytes(6).toString('hex')}`;
  const handle = await open(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode,
  );
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
  await rename(temp, abs);
}

/** Makes `path` a symbolic link to `target` (what a tree's `120000` entry holds), replacing what is there. */
export async function symlinkSafe(root: string, path: string, target: string): Promise<void> {
  const abs = await makeParents(root, path);
  await rm(abs, { recursive: true, force: true });
  await symlink(target, abs);
}

/** Makes `path` an empty real directory (a submodule's place), replacing a link or file there. */
export async function dirSafe(root: string, path: string): Promise<void> {
  const abs = await makeParents(root, path);
  const kind = await kindOf(abs);
  if (kind === 'dir') return;
  if (kind !== 'absent') await rm(abs, { force: true });
  await mkdir(abs);
}
