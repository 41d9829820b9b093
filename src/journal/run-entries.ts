import type { z } from 'zod';
import { JournalCorruptError } from '../errors.js';
import type { JournalEntry } from './entry.js';
import { EVENT_PAYLOADS, isEventType, type JournalEvent } from './run-events.js';

/** A verified journal entry whose payload has been parsed by its event type's schema. */
export type RunEntry = Omit<JournalEntry, 'type' | 'payload'> & JournalEvent;

/** The event `type`/`payload` parsed by its schema, or why it does not fit (naming the field). */
export function parseEvent(
  type: string,
  payload: unknown,
): { ok: true; event: JournalEvent } | { ok: false; reason: string } {
  if (!isEventType(type)) return { ok: false, reason: `unknown event type "${type}"` };
  const parsed = EVENT_PAYLOADS[type].safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `${type} ${describeIssue(parsed.error.issues)}` };
  // The registry pairs each type with its schema, which TypeScript cannot follow through an indexed access.
  return { ok: true, event: { type, payload: parsed.data } as JournalEvent };
}

/**
 * Checks the payload of every entry whose type is a run event against its schema. Entries of other types pass:
 * the journal file format is also used for journals that are not runs. Throws `JournalCorruptError` naming the
 * file, the line and the field.
 */
export function checkEventPayloads(entries: readonly JournalEntry[], file: string): void {
  for (const entry of entries) {
    if (!isEventType(entry.type)) continue;
    const parsed = parseEvent(entry.type, entry.payload);
    if (!parsed.ok) throw badEvent(`journal ${file}`, entry.seq, parsed.reason);
  }
}

/**
 * A run's entries typed by their events: the only form fold, replay, `runs` and `audit` read. An unknown type or
 * a payload of the wrong shape is `JournalCorruptError` naming the line and the field.
 */
export function runEntries(entries: readonly JournalEntry[]): RunEntry[] {
  return entries.map((entry) => {
    const parsed = parseEvent(entry.type, entry.payload);
    if (!parsed.ok) throw badEvent('the journal', entry.seq, parsed.reason);
    const { type: _type, payload: _payload, ...envelope } = entry;
    return { ...envelope, ...parsed.event };
  });
}

function badEvent(where: string, seq: number, reason: string): JournalCorruptError {
  // Line n holds seq n-1: the chain check has already refused gaps.
  return new JournalCorruptError(
    `${where} is corrupt at line ${seq + 1}: ${reason}`,
    'The line passes its hashes but not its schema: it was edited with the chain recomputed, or written by a build with other event shapes. Inspect that line; start a new run if it cannot be explained.',
  );
}

/** `payload.a.b: message` for the deepest issue, looking inside unions for the branch that came closest. */
export function describeIssue(issues: readonly z.core.$ZodIssue[]): string {
  const issue = deepest(issues);
  if (issue === undefined) return 'payload: invalid';
  const path = ['payload', ...issue.path.map(String)].join('.');
  return `${path}: ${issue.message}`;
}

function deepest(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[] = [],
): z.core.$ZodIssue | undefined {
  let best: z.core.$ZodIssue | undefined;
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    let candidate: z.core.$ZodIssue = { ...issue, path };
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const inner = issue.errors
        .map((branch) => deepest(branch, path))
        .filter((found) => found !== undefined)
        .sort((a, b) => b.path.length - a.path.length)[0];
      if (inner !== undefined) candidate = inner;
    }
    if (best === undefined || candidate.path.length > best.path.length) best = candidate;
  }
  return best;
}
