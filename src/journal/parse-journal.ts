import { JournalCorruptError, JournalVersionError } from '../errors.js';
import { JournalEntry, canonicalJson, entryDefect, linkDefect, sha256Hex } from './entry.js';
import { JOURNAL_EVENT_VERSION } from './run-events.js';
import { journalChecks } from './trust-checks.js';

/** A journal's bytes split into verified entries and, possibly, a torn last line. */
export interface ParsedJournal {
  entries: JournalEntry[];
  /** Length of the verified prefix; a torn tail starts here. */
  validBytes: number;
  torn: null | { offset: number; reason: string };
}

/** The result of `verifyChain`: the first entry that breaks the chain, if any. */
export type ChainVerdict = { ok: true } | { ok: false; seq: number; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const NEWLINE = 0x0a;

/**
 * Parses and verifies a journal. Only a last line with no trailing newline is a torn write (an append cut short)
 * and is reported as `torn`. A complete line that is not JSON, not an entry, or fails its hashes or the chain is
 * damage or tampering: `JournalCorruptError` naming the file and line, whatever its position.
 */
export function parseJournal(bytes: Uint8Array, file: string): ParsedJournal {
  const entries: JournalEntry[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < bytes.length) {
    lineNo += 1;
    const newline = bytes.indexOf(NEWLINE, start);
    if (newline === -1) {
      const reason = `line ${lineNo} has no trailing newline (${bytes.length - start} bytes)`;
      return { entries, validBytes: start, torn: { offset: start, reason } };
    }
    const line = readLine(bytes.subarray(start, newline));
    if (!line.ok && line.version !== undefined) throw versionError(file, lineNo, line.version);
    const link = line.ok ? linkDefect(entries.at(-1), line.entry, entries.length) : null;
    if (!line.ok || link !== null) {
      const reason = line.ok ? (link ?? '') : line.reason;
      // Only the eval's `--sabotage journal` takes a bad complete line for a torn tail.
      if (journalChecks().badLine === 'torn')
        return { entries, validBytes: start, torn: { offset: start, reason: `line ${lineNo} ${reason}` } };
      throw corrupt(file, lineNo, reason);
    }
    entries.push(line.entry);
    start = newline + 1;
  }
  return { entries, validBytes: start, torn: null };
}

/** Checks every entry's hashes and links, from seq 0; reports the first one that fails. */
export function verifyChain(entries: readonly JournalEntry[]): ChainVerdict {
  for (const [index, entry] of entries.entries()) {
    const reason = safeEntryDefect(entry) ?? linkDefect(entries[index - 1], entry, index);
    if (reason !== null) return { ok: false, seq: entry.seq, reason };
  }
  return { ok: true };
}

type LineResult = { ok: true; entry: JournalEntry } | { ok: false; reason: string; version?: number };

function readLine(bytes: Uint8Array): LineResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'is not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `is not valid JSON (${messageOf(error)})` };
  }
  const version = newerVersion(json);
  if (version !== null) return { ok: false, reason: 'is of a newer version', version };
  const parsed = JournalEntry.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
    return { ok: false, reason: `is not a journal entry (${where}${issue?.message ?? 'invalid'})` };
  }
  const defect = safeEntryDefect(parsed.data);
  return defect === null
    ? { ok: true, entry: parsed.data }
    : { ok: false, reason: `fails its hash: ${defect}` };
}

/**
 * The line's `v` when it is a later version than this build reads and the line still matches its own hash, so
 * it was written that way rather than damaged; null otherwise (the schema then says what is wrong).
 */
function newerVersion(json: unknown): number | null {
  if (typeof json !== 'object' || json === null || !('v' in json) || !('hash' in json)) return null;
  const { v } = json;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= JOURNAL_EVENT_VERSION) return null;
  try {
    // The header hash as entryHashOf computes it: every field but the payload and the hash itself.
    const header = Object.fromEntries(Object.entries(json).filter(([k]) => k !== 'payload' && k !== 'hash'));
    return sha256Hex(canonicalJson(header)) === json.hash ? v : null;
  } catch {
    return null;
  }
}

function safeEntryDefect(entry: JournalEntry): string | null {
  try {
    return entryDefect(entry);
  } catch (error) {
    // JSON.parse accepts payloads canonicalJson refuses, such as 1e400 (Infinity).
    return `payload cannot be hashed (${messageOf(error)})`;
  }
}

function corrupt(file: string, lineNo: number, reason: string): JournalCorruptError {
  return new JournalCorruptError(
    `journal ${file} is corrupt at line ${lineNo}: ${reason}`,
    'A complete line that fails its checks is damage or tampering and is never cut; inspect that line, and start a new run if it cannot be explained.',
  );
}

function versionError(file: string, lineNo: number, version: number): JournalVersionError {
  return new JournalVersionError(
    `journal ${file} line ${lineNo} was written by a newer agentctl (event version ${version}; this build reads version ${JOURNAL_EVENT_VERSION})`,
    'Read, resume or replay this run with the agentctl that wrote it, or upgrade: npm install -g agentctl-cli@latest',
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
