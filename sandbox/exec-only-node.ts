import { constants } from 'node:fs';
import { access, chmod, copyFile, lstat, mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import type { Bind } from './deps-link.js';

async function nodeOnPath(): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    const ok = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (ok) return realpath(candidate);
  }
  return null;
}

/** A cache folder only this user can write, or null when something else owns the name. */
async function privateCacheDir(): Promise<string | null> {
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `agentctl-exec-only-${uid}`);
  await mkdir(dir, { mode: 0o700 }).catch(() => undefined);
  const stats = await lstat(dir).catch(() => null);
  if (stats === null || !stats.isDirectory() || stats.uid !== uid || (stats.mode & 0o077) !== 0) return null;
  return dir;
}

async function build(): Promise<Bind | null> {
  const node = await nodeOnPath();
  const dir = await privateCacheDir();
  if (node === null || dir === null) return null;
  const source = await stat(node);
  const copy = join(dir, `node-${source.dev}-${source.ino}-${source.size}-${Math.round(source.mtimeMs)}`);
  const existing = await lstat(copy).catch(() => null);
  if (existing?.isFile() !== true || existing.size !== source.size || (existing.mode & 0o777) !== 0o111) {
    const partial = `${copy}.${process.pid}.partial`;
    await copyFile(node, partial);
    await chmod(partial, 0o111);
    await rename(partial, copy);
    await rm(partial, { force: true });
  }
  // A noexec temp folder would make every sandboxed node fail to start: use the plain node then.
  const runs = await execa(copy, ['-e', '0'], {
    reject: false,
    timeout: 15_000,
    stdin: 'ignore',
    // The probe runs nothing of agentctl's environment (NODE_OPTIONS could --require anything).
    extendEnv: false,
    env: { PATH: process.env.PATH ?? '' },
  });
  return runs.exitCode === 0 ? { from: copy, to: node } : null;
}

let cached: Promise<Bind | null> | undefined;

/**
 * Inside the sandbox, node is replaced by a copy the user may execute but not read.
 * The kernel marks a process running an unreadable program as not dumpable, and with
 * every capability dropped no other process of the same user may then open its
 * /proc/<pid>/fd or mem: a test worker cannot reach the runner's report pipe through
 * /proc/<ppid>/fd/3. Null when node is not on PATH, no private cache folder exists, or
 * the copy cannot run there.
 */
export function execOnlyNode(): Promise<Bind | null> {
  cached ??= build().catch(() => null);
  return cached;
}
