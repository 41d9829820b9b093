import { z } from 'zod';
import { BlobRef, storedPayload } from './blob-ref.js';
import { canonicalJson } from './canonical.js';
import { sha256Hex } from './hash.js';
import { JOURNAL_EVENT_VERSION } from './run-events.js';

export { canonicalJson } from './canonical.js';
export { sha256Hex } from './hash.js';

/** `prevHash` of the first entry of every journal. */
export const GENESIS_HASH = '0'.repeat(64);

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

/** One line of a journal. Strict, so a field the hash does not know about cannot slip in. */
export const JournalEntry = z.strictObject({
  v: z.literal(JOURNAL_EVENT_VERSION),
  seq: z.number().int().nonnegative(),
  time: z.iso.datetime({ offset: true }),
  type: z.string().min(1),
  phase: z.string(),
  opKey: z.string().min(1).optional(),
  // A missing payload would hash as absent rather than as null, so require the key.
  payload: z.unknown().refine((value) => value !== undefined, 'payload is required'),
  /** Parts of the payload stored as blobs (see blob-ref.ts); absent when the payload is all inline. */
  blobs: z.array(BlobRef).min(1).optional(),
  payloadHash: Sha256,
  prevHash: Sha256,
  hash: Sha256,
});
export type JournalEntry = z.infer<typeof JournalEntry>;

/** What a caller supplies; the journal fills in seq, time and the hashes. */
export interface AppendInput {
  type: string;
  phase: string;
  opKey?: string;
  payload: unknown;
  /** ISO 8601; defaults to the writer's clock. */
  time?: string;
}

/** SHA-256 of the canonical JSON of a payload. */
export function payloadHashOf(payload: unknown): string {
  return sha256Hex(canonicalJson(payload));
}

/**
 * The entry's own hash: canonical JSON of every field except `hash` and `payload`, since the payload
 * is already bound by `payloadHash`. That keeps chain checks cheap and lets a payload be redacted
 * later without breaking the chain.
 */
export function entryHashOf(entry: Omit<JournalEntry, 'hash'>): string {
  const { payload: _payload, hash: _hash, ...header } = entry as JournalEntry;
  return sha256Hex(canonicalJson(header));
}

/**
 * Builds the next entry of a chain; `payload` undefined is journaled as null. `blobs` names the parts of the
 * (already shrunk) payload that live in blob files.
 */
export function buildEntry(
  input: AppendInput & { time: string },
  seq: number,
  prevHash: string,
  blobs: BlobRef[] = [],
): JournalEntry {
  const payload = input.payload === undefined ? null : input.payload;
  const unhashed = {
    v: JOURNAL_EVENT_VERSION,
    seq,
    time: input.time,
    type: input.type,
    phase: input.phase,
    ...(input.opKey === undefined ? {} : { opKey: input.opKey }),
    payload,
    ...(blobs.length === 0 ? {} : { blobs }),
    payloadHash: payloadHashOf(payload),
    prevHash,
  };
  return { ...unhashed, hash: entryHashOf(unhashed) };
}

/**
 * Why an entry does not match its own hashes, or null if it does. Works on an entry as stored and on one whose
 * blobs were put back: the payload hash is over the stored form either way.
 */
export function entryDefect(entry: JournalEntry): string | null {
  const stored =
    entry.blobs === undefined
      ? { ok: true as const, value: entry.payload }
      : storedPayload(entry.payload, entry.blobs);
  if (!stored.ok) return stored.reason;
  if (payloadHashOf(stored.value) !== entry.payloadHash) return 'payloadHash does not match the payload';
  if (entryHashOf(entry) !== entry.hash) return 'hash does not match the entry';
  return null;
}

/** Why `entry` cannot follow `prev` (undefined for the first line) at position `index`, or null. */
export function linkDefect(
  prev: JournalEntry | undefined,
  entry: JournalEntry,
  index: number,
): string | null {
  if (entry.seq !== index) return `seq is ${entry.seq}, expected ${index}`;
  const expected = prev === undefined ? GENESIS_HASH : prev.hash;
  if (entry.prevHash !== expected) {
    return prev === undefined
      ? 'prevHash of the first entry is not the genesis hash'
      : `prevHash does not match the hash of seq ${prev.seq} (broken chain)`;
  }
  return null;
}
