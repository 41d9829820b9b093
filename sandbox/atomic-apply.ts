import { randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SandboxError } from '../src/errors.js';
import { checkWritePaths, type GuardPolicy, type GuardRule } from './path-guard.js';
import {
  dropUndoRecord,
  errorText,
  exists,
  loadUndoRecord,
  rollback,
  saveUndoRecord,
  syncDir,
  undoRecordPath,
  writeDurably,
  type UndoEntry,
  type UndoRecord,
} from './undo-record.js';

/** One file's intended change; `null` means the file is absent (create or delete). */
export interface FileChange {
  path: string;
  before: string | null;
  after: string | null;
}

/** Whether a change set applied; a refusal leaves the tree exactly as it was. */
export type ApplyResult =
  { ok: true } | { ok: false; path: string; rule: GuardRule | 'conflict' | 'io'; message: string };

/** Where the undo record goes, and a test hook called at 'apply:undo-written', 'apply:mid', 'apply:before-commit'. */
export interface ApplyOptions {
  undoDir: string;
  failpoint?: (name: string) => void | Promise<void>;
}

type Step = { path: string; after: string | null; mode: number | null; temp: string };

function conflict(path: string, why: string): ApplyResult {
  return { ok: false, path, rule: 'conflict', message: `"${path}" ${why}; re-read it and propose again` };
}

async function readCurrent(abs: string): Promise<{ bytes: Buffer; mode: number } | null> {
  try {
    const bytes = await readFile(abs);
    return { bytes, mode: (await stat(abs)).mode & 0o7777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Directories (relative, shallowest first) that writing `paths` will have to create. */
async function missingDirs(rootReal: string, paths: string[]): Promise<string[]> {
  const missing = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!missing.has(dir) && !(await exists(join(rootReal, dir)))) missing.add(dir);
    }
  }
  return [...missing].sort((a, b) => a.split('/').length - b.split('/').length);
}

/** Guards and conflict-checks every change and builds the undo record; touches nothing. */
async function plan(rootReal: string, changes: FileChange[], policy: GuardPolicy) {
  const paths = changes.map((c) => c.path);
  const verdicts = await checkWritePaths(rootReal, paths, policy);
  const nonce = randomBytes(6).toString('hex');
  const files: UndoEntry[] = [];
  const steps: Step[] = [];
  for (const [i, change] of changes.entries()) {
    const verdict = verdicts[i];
    if (verdict === undefined) throw new SandboxError('the path guard returned fewer verdicts than paths');
    if (!verdict.ok) return verdict;
    const path = verdict.path;
    if (steps.some((step) => step.path === path)) return conflict(path, 'appears twice in one change');
    let current;
    try {
      current = await readCurrent(join(rootReal, path));
    } catch (error) {
      return conflict(path, `cannot be read as a file (${errorText(error)})`);
    }
    if (change.before === null && current !== null) return conflict(path, 'already exists');
    if (change.before !== null && current === null) return conflict(path, 'does not exist');
    if (change.before !== null && current?.bytes.toString('utf8') !== change.before) {
      return conflict(path, 'has different content than the change expects');
    }
    // Not derived from the file's name: a name at the file system's length limit leaves no room for a suffix.
    const temp = `.agentctl-${nonce}-${i}.tmp`;
    const mode = current?.mode ?? null;
    files.push({ path, content: current?.bytes.toString('base64') ?? null, mode, temp });
    steps.push({ path, after: change.after, mode, temp });
  }
  const createdDirs = await missingDirs(
    rootReal,
    steps.filter((s) => s.after !== null).map((s) => s.path),
  );
  const record: UndoRecord = { version: 1, root: rootReal, files, createdDirs };
  return { record, steps };
}

async function resolveRoot(root: string): Promise<string> {
  return realpath(root).catch((error: unknown) => {
    throw new SandboxError(`cannot apply changes: ${root} is not accessible (${errorText(error)})`);
  });
}

/**
 * Applies a change set all or nothing. Every path goes through the guard and every
 * `before` must match the file on disk; an fsync'ed undo record (in `undoDir`, outside
 * the root) is written before the first change, so a failure rolls back here and a
 * crash is rolled back by {@link recoverPendingApply} on the next start.
 */
export async function applyChanges(
  root: string,
  changes: FileChange[],
  policy: GuardPolicy,
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const rootReal = await resolveRoot(root);
  const recordPath = (await undoRecordPath(opts.undoDir, rootReal, true)) ?? '';
  if (await exists(recordPath)) {
    const hint = 'run recovery (recoverPendingApply) before applying again';
    throw new SandboxError(`an earlier apply in ${rootReal} was interrupted`, hint);
  }
  const planned = await plan(rootReal, changes, policy);
  if (!('record' in planned)) return planned;
  const { record, steps } = planned;
  await saveUndoRecord(recordPath, record);
  await opts.failpoint?.('apply:undo-written');
  let currentPath = '';
  try {
    for (const dir of record.createdDirs) await mkdir(join(rootReal, dir));
    for (const [i, step] of steps.entries()) {
      currentPath = step.path;
      const abs = join(rootReal, step.path);
      if (step.after === null) await rm(abs, { force: true });
      else await writeDurably(abs, join(dirname(abs), step.temp), step.after, step.mode);
      if (i === 0) await opts.failpoint?.('apply:mid');
    }
    for (const dir of new Set(steps.map((s) => dirname(join(rootReal, s.path))))) await syncDir(dir);
    await opts.failpoint?.('apply:before-commit');
  } catch (error) {
    await rollback(record);
    await dropUndoRecord(recordPath);
    const message = `applying "${currentPath}" failed, nothing was changed: ${errorText(error)}`;
    return { ok: false, path: currentPath, rule: 'io', message };
  }
  await dropUndoRecord(recordPath);
  return { ok: true };
}

/**
 * Rolls back an apply that a crash interrupted in `root`, using its undo record in
 * `undoDir`. Returns true when something was rolled back; safe to call on every start.
 */
export async function recoverPendingApply(root: string, undoDir: string): Promise<boolean> {
  const rootReal = await resolveRoot(root);
  const recordPath = await undoRecordPath(undoDir, rootReal, false);
  const record = recordPath === null ? null : await loadUndoRecord(recordPath, rootReal);
  if (recordPath === null || record === null) return false;
  await rollback(record);
  await dropUndoRecord(recordPath);
  return true;
}
