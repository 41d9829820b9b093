import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JournalError } from '../errors.js';
import { ioError } from './io-error.js';

/** Default lease; the owner should `renew` well within it (every third of it, say). */
export const DEFAULT_LEASE_MS = 60_000;

/** Contents of `lock.json`. */
export interface RunLockInfo {
  pid: number;
  hostname: string;
  acquiredAt: string;
  expiresAt: string;
  /** Tells two holders in one process apart, which pid cannot. */
  token: string;
}

/** A held run lock. */
export interface RunLock {
  /** Set when a stale lock was replaced: whose it was and why it counted as abandoned. */
  readonly tookOver: null | { pid: number | null; reason: string };
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): Promise<void>;
  /** Extends the lease; throws `JournalError` if another process has taken the lock over. */
  renew(): Promise<void>;
}

const LOCK_FILE = 'lock.json';
// Serializes every change to an existing lock.json (takeover, renew, release) across processes.
const MUTEX_FILE = 'lock.json.mutex';
// The mutex is held for a few syscalls; one this old belongs to a process that died holding it.
const MUTEX_STALE_MS = 2_000;
const MUTEX_WAIT_MS = 10_000;

type LockState = { kind: 'missing' } | { kind: 'held'; raw: string; info: RunLockInfo | null };

/**
 * Takes the lock on a run directory, so only one process drives a run. A lock whose pid is gone
 * (same host) or whose lease has expired is taken over; otherwise throws `JournalError` naming
 * the pid that holds it.
 */
export async function acquireRunLock(dir: string, opts: { leaseMs?: number } = {}): Promise<RunLock> {
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const token = randomUUID();
  const lockFile = join(dir, LOCK_FILE);
  return guarded(dir, 'lock', async () => {
    await mkdir(dir, { recursive: true });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      if (await createExclusive(dir, lockInfo(token, leaseMs))) return heldLock(dir, token, leaseMs, null);
      const observed = await readLock(lockFile);
      if (observed.kind === 'missing') continue;
      const reason = staleReason(observed.info);
      if (reason === null && observed.info !== null) throw busy(dir, observed.info);
      if (await takeOver(dir, observed.raw, token, leaseMs)) {
        const tookOver = { pid: observed.info?.pid ?? null, reason: reason ?? 'stale' };
        return heldLock(dir, token, leaseMs, tookOver);
      }
    }
    throw new JournalError(`cannot lock run ${basename(dir)}: the lock kept changing hands`, 'Try again.');
  });
}

function heldLock(dir: string, token: string, leaseMs: number, tookOver: RunLock['tookOver']): RunLock {
  const lockFile = join(dir, LOCK_FILE);
  return {
    tookOver,
    renew: () =>
      guarded(dir, 'renew the lock on', () =>
        withMutex(dir, async () => {
          const state = await readLock(lockFile);
          const info = state.kind === 'held' ? state.info : null;
          if (info?.token !== token) {
            throw new JournalError(
              `lost the lock on run ${basename(dir)}${info === null ? '' : ` to pid ${info.pid}`}`,
              'Another agentctl took this run over; this one must stop driving it.',
            );
          }
          await replaceLock(dir, { ...lockInfo(token, leaseMs), acquiredAt: info.acquiredAt });
        }),
      ),
    release: () =>
      guarded(dir, 'release the lock on', () =>
        withMutex(dir, async () => {
          const state = await readLock(lockFile);
          if (state.kind === 'held' && state.info?.token === token) await rm(lockFile, { force: true });
        }),
      ),
  };
}

async function guarded<T>(dir: string, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof JournalError ? error : ioError(`cannot ${action} run ${basename(dir)}`, error);
  }
}

/** Publishes a complete lock file only if none exists: link(2) is atomic like O_EXCL, never half-written. */
async function createExclusive(dir: string, info: RunLockInfo): Promise<boolean> {
  const temp = join(dir, `${LOCK_FILE}.${info.token}.tmp`);
  await writeFile(temp, JSON.stringify(info));
  try {
    await link(temp, join(dir, LOCK_FILE));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Replaces a stale lock, under the mutex so two takers cannot both win; re-reads to confirm. */
async function takeOver(dir: string, staleRaw: string, token: string, leaseMs: number): Promise<boolean> {
  return withMutex(dir, async () => {
    const lockFile = join(dir, LOCK_FILE);
    const now = await readLock(lockFile);
    if (now.kind === 'missing') return createExclusive(dir, lockInfo(token, leaseMs));
    // Someone else replaced or renewed it since we looked; the caller re-examines it.
    if (now.raw !== staleRaw) return false;
    await replaceLock(dir, lockInfo(token, leaseMs));
    const confirm = await readLock(lockFile);
    return confirm.kind === 'held' && confirm.info?.token === token;
  });
}

async function replaceLock(dir: string, info: RunLockInfo): Promise<void> {
  const temp = join(dir, `${LOCK_FILE}.${info.token}.tmp`);
  await writeFile(temp, JSON.stringify(info));
  await rename(temp, join(dir, LOCK_FILE));
}

async function withMutex<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const mutex = join(dir, MUTEX_FILE);
  const deadline = Date.now() + MUTEX_WAIT_MS;
  for (;;) {
    try {
      await (await open(mutex, 'wx')).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = await stat(mutex).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    // Racy only if its holder died inside a few-millisecond window and two waiters notice at once.
    if (age > MUTEX_STALE_MS) await rm(mutex, { force: true });
    else if (Date.now() > deadline)
      throw new JournalError(`lock of run ${basename(dir)} stayed busy`, 'Try again.');
    else await sleep(5 + Math.random() * 20);
  }
  try {
    return await fn();
  } finally {
    await rm(mutex, { force: true });
  }
}

async function readLock(lockFile: string): Promise<LockState> {
  let raw: string;
  try {
    raw = await readFile(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  return { kind: 'held', raw, info: parseInfo(raw) };
}

function parseInfo(raw: string): RunLockInfo | null {
  try {
    const value = JSON.parse(raw) as Partial<RunLockInfo>;
    const ok =
      Number.isInteger(value.pid) &&
      typeof value.hostname === 'string' &&
      typeof value.acquiredAt === 'string' &&
      typeof value.expiresAt === 'string' &&
      typeof value.token === 'string';
    return ok ? (value as RunLockInfo) : null;
  } catch {
    return null;
  }
}

/** Why a lock may be taken over, or null while its holder may still be alive. */
function staleReason(info: RunLockInfo | null): string | null {
  // Locks are published whole, so an unreadable one is a leftover, e.g. from a power cut before flush.
  if (info === null) return 'unreadable';
  if (!(Date.parse(info.expiresAt) > Date.now())) return 'lease expired';
  if (info.hostname === hostname() && !pidAlive(info.pid)) return `pid ${info.pid} is gone`;
  return null;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function lockInfo(token: string, leaseMs: number): RunLockInfo {
  const now = Date.now();
  return {
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + leaseMs).toISOString(),
    token,
  };
}

function busy(dir: string, info: RunLockInfo): JournalError {
  const where = info.hostname === hostname() ? '' : ` on ${info.hostname}`;
  return new JournalError(
    `run ${basename(dir)} is being driven by pid ${info.pid}${where}`,
    `Wait for it to finish, or stop it (kill ${info.pid}) and try again; its lease lapses at ${info.expiresAt}.`,
  );
}
