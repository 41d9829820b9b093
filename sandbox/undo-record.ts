import { createHash } from 'node:crypto';
import { mkdir, open, readFile, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SandboxError } from '../src/errors.js';
import { isWithin } from './path-guard.js';

/** One file as it was before an apply. */
export interface UndoEntry {
  path: string;
  /** The bytes before the apply, base64, or null when the file did not exist. */
  content: string | null;
  mode: number | null;
  /** Name of the temp file the apply writes beside the target, removed on rollback. */
  temp: string;
}

/** Everything needed to put a worktree back after an interrupted apply. */
export interface UndoRecord {
  version: 1;
  root: string;
  files: UndoEntry[];
  /** Relative directories the apply creates, shallowest first. */
  createdDirs: string[];
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether something is at `path`; errors other than ENOENT count as "something" (fail closed). */
export function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
}

/** Writes a file so that a crash leaves either the old or the new content, never a torn one. */
export async function writeDurably(target: string, temp: string, data: string | Buffer, mode: number | null) {
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    if (mode !== null) await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The record's path for one worktree; the undo dir must lie outside it. */
export async function undoRecordPath(
  undoDir: string,
  rootReal: string,
  create: boolean,
): Promise<string | null> {
  if (create) await mkdir(undoDir, { recursive: true });
  const real = await realpath(undoDir).catch(() => null);
  if (real === null) return null;
  // Inside the root, the record would be part of the tree it is meant to restore.
  if (isWithin(rootReal, real)) {
    throw new SandboxError(`the undo directory ${real} must be outside the worktree ${rootReal}`);
  }
  return join(real, `apply-${createHash('sha256').update(rootReal).digest('hex').slice(0, 16)}.json`);
}

/** Persists the record (temp file, fsync, rename, fsync dir) before anything is touched. */
export async function saveUndoRecord(recordPath: string, record: UndoRecord): Promise<void> {
  await writeDurably(recordPath, `${recordPath}.tmp`, JSON.stringify(record), null);
  await syncDir(dirname(recordPath));
}

export async function dropUndoRecord(recordPath: string): Promise<void> {
  await rm(recordPath, { force: true });
  await syncDir(dirname(recordPath));
}

/** The committed record for a worktree, or null; a half-written one is discarded as never begun. */
export async function loadUndoRecord(recordPath: string, rootReal: string): Promise<UndoRecord | null> {
  await rm(`${recordPath}.tmp`, { force: true });
  let text: string;
  try {
    text = await readFile(recordPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SandboxError(`cannot read the undo record ${recordPath}: ${errorText(error)}`);
  }
  let record: UndoRecord;
  try {
    record = JSON.parse(text) as UndoRecord;
  } catch (error) {
    const hint = 'restore the worktree from git, then delete the record';
    throw new SandboxError(`the undo record ${recordPath} is corrupt: ${errorText(error)}`, hint);
  }
  if (record.version !== 1 || record.root !== rootReal) {
    throw new SandboxError(`the undo record ${recordPath} does not belong to ${rootReal}`);
  }
  return record;
}

/** Puts every recorded file back and removes directories the apply created; safe to repeat. */
export async function rollback(record: UndoRecord): Promise<void> {
  try {
    for (const entry of [...record.files].reverse()) {
      const abs = join(record.root, entry.path);
      const temp = join(dirname(abs), entry.temp);
      await rm(temp, { force: true });
      if (entry.content === null) await rm(abs, { force: true });
      else await writeDurably(abs, temp, Buffer.from(entry.content, 'base64'), entry.mode);
    }
    for (const dir of [...record.createdDirs].reverse()) {
      await rmdir(join(record.root, dir)).catch(() => undefined);
    }
  } catch (error) {
    throw new SandboxError(`rollback of an interrupted apply in ${record.root} failed: ${errorText(error)}`);
  }
}
