import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JournalError, UsageError } from '../errors.js';
import type { JournalEntry } from '../journal/entry.js';
import { JournalWriter, createJournal, readJournal } from '../journal/journal-file.js';
import { acquireRunLock, type RunLock } from '../journal/run-lock.js';
import { AGENTCTL_DIR, JOURNAL_FILE, ensureAgentctlDir } from '../journal/run-store.js';
import type { GuardHost, GuardPhase } from './events.js';

/** `<repo>/.agentctl/guard`: one directory per host session. */
export function guardRoot(root: string): string {
  return join(root, AGENTCTL_DIR, 'guard');
}

const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The directory name of a host session id: the id itself when it is a plain name, else a hash of it. */
export function sessionKey(session: string): string {
  return PLAIN.test(session) && !session.includes('..')
    ? session
    : `s-${createHash('sha256').update(session).digest('hex').slice(0, 32)}`;
}

/** `.agentctl/guard/<session>/journal.jsonl`. */
export function sessionJournal(root: string, key: string): string {
  return join(guardRoot(root), key, JOURNAL_FILE);
}

/** A locked test file and the SHA-256 of its content when it was locked (null: it was deleted). */
export interface LockedFile {
  path: string;
  sha256: string | null;
}

/** What a guard session's journal says, folded. */
export interface GuardState {
  session: string;
  host: GuardHost;
  phase: GuardPhase;
  base: string;
  cycle: number;
  locked: LockedFile[];
  lastVerdict: null | { kind: 'red' | 'green'; ok: boolean; message: string; time: string };
  lastDecision: null | { decision: string; rule: string; reason: string; time: string };
  lastSnapshot: string | null;
  events: number;
}

/** What a new cycle keeps from the one before it: the last verdict, decision and snapshot. */
function carried(prev: GuardState | null): Pick<GuardState, 'lastVerdict' | 'lastDecision' | 'lastSnapshot'> {
  return {
    lastVerdict: prev?.lastVerdict ?? null,
    lastDecision: prev?.lastDecision ?? null,
    lastSnapshot: prev?.lastSnapshot ?? null,
  };
}

/** Folds a guard journal; null when it holds no guard_started. */
export function foldGuard(entries: readonly JournalEntry[]): GuardState | null {
  let state: GuardState | null = null;
  for (const e of entries) {
    const p = e.payload as Record<string, unknown>;
    if (e.type === 'guard_started') {
      state = {
        session: p.session as string,
        host: p.host as GuardHost,
        phase: 'tests',
        base: p.base as string,
        cycle: p.cycle as number,
        locked: [],
        ...carried(state),
        events: 0,
      };
    }
    if (state === null) continue;
    state.events += 1;
    switch (e.type) {
      case 'guard_locked':
        state.phase = 'locked';
        state.locked = p.files as LockedFile[];
        break;
      case 'guard_off':
        state.phase = 'off';
        break;
      case 'guard_closed':
        state.phase = 'closed';
        state.lastSnapshot = p.snapshot as string;
        break;
      case 'guard_red':
      case 'guard_green': {
        const failures = (p.failures as string[] | undefined) ?? [];
        state.lastVerdict = {
          kind: e.type === 'guard_red' ? 'red' : 'green',
          ok: p.ok as boolean,
          message: (p.message as string | undefined) ?? (failures.join('; ') || 'GREEN: every check passed'),
          time: e.time,
        };
        state.lastSnapshot = p.snapshot as string;
        break;
      }
      case 'guard_decision':
        state.lastDecision = {
          decision: p.decision as string,
          rule: p.rule as string,
          reason: p.reason as string,
          time: e.time,
        };
        break;
    }
  }
  return state;
}

/** An open guard session: its folded state and a way to journal the next event. */
export interface OpenSession {
  key: string;
  dir: string;
  state: GuardState;
  append(type: string, payload: unknown): Promise<void>;
}

/** Takes the session's lock, waiting while another hook of the same session holds it (hosts run hooks concurrently). */
async function lockSession(root: string, key: string, waitMs: number): Promise<RunLock> {
  const dir = join(guardRoot(root), 'locks', key);
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return await acquireRunLock(dir, { leaseMs: 30 * 60_000 });
    } catch (error) {
      if (!(error instanceof JournalError) || Date.now() > until) throw error;
      await sleep(250);
    }
  }
}

/**
 * Runs `use` holding the session's lock, with its journal open; creates the session (base: `base()`) on first
 * use, and starts a new cycle from the last GREEN snapshot after one closed.
 */
export async function withSession<T>(
  root: string,
  ids: { session: string; host: GuardHost },
  base: () => Promise<string>,
  use: (session: OpenSession) => Promise<T>,
): Promise<T> {
  await ensureAgentctlDir(root);
  const key = sessionKey(ids.session);
  const lock = await lockSession(root, key, 20 * 60_000);
  try {
    const file = sessionJournal(root, key);
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists)
      await createJournal(file, {
        type: 'guard_started',
        phase: 'tests',
        payload: { session: ids.session, host: ids.host, base: await base(), cycle: 0 },
      });
    const { writer, entries } = await JournalWriter.open(file);
    try {
      let state = foldGuard(entries);
      if (state === null) throw new JournalError(`${file} is not a guard session journal`);
      const append = async (type: string, payload: unknown) => {
        const next = foldGuard([
          ...entries,
          { type, payload, time: new Date().toISOString() } as JournalEntry,
        ]);
        entries.push(await writer.append({ type, phase: next?.phase ?? 'tests', payload }));
        state = foldGuard(entries)!;
        session.state = state;
      };
      if (state.phase === 'closed')
        await append('guard_started', {
          session: ids.session,
          host: ids.host,
          base: state.lastSnapshot ?? state.base,
          cycle: state.cycle + 1,
        });
      const session: OpenSession = { key, dir: join(guardRoot(root), key), state, append };
      return await use(session);
    } finally {
      await writer.close();
    }
  } finally {
    await lock.release();
  }
}

/** The session to act on: the one named, or the most recently active one; a usage error when there is none. */
export async function pickSession(root: string, named: string | undefined): Promise<string> {
  if (named !== undefined) return sessionKey(named);
  const names = await readdir(guardRoot(root)).catch(() => [] as string[]);
  let best: { key: string; mtime: number } | null = null;
  for (const key of names.filter((n) => n !== 'locks' && !n.startsWith('.'))) {
    const mtime = await stat(sessionJournal(root, key)).then(
      (s) => s.mtimeMs,
      () => -1,
    );
    if (mtime >= 0 && (best === null || mtime > best.mtime)) best = { key, mtime };
  }
  if (best === null)
    throw new UsageError(
      'no guard session in this repository yet.',
      'Install the hooks (agentctl guard install --host claude|codex|gemini); a session starts with the first hook call.',
    );
  return best.key;
}

/** Reads a session's journal and folds it (no lock: the journal is append-only). */
export async function readSession(
  root: string,
  key: string,
): Promise<{ state: GuardState; entries: JournalEntry[] }> {
  const { entries } = await readJournal(sessionJournal(root, key));
  const state = foldGuard(entries);
  if (state === null) throw new JournalError(`no guard session ${key}`);
  return { state, entries };
}
