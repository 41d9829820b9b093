import { open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { JournalError } from '../errors.js';
import { resolvePayload, shrinkPayload, type ShrunkPayload } from './blob-ref.js';
import { blobDir, resolveEntries, writeBlobs } from './blob-store.js';
import { canonicalJson } from './canonical.js';
import { mkdirDurable, syncDir } from './durable-fs.js';
import { GENESIS_HASH, JournalEntry, buildEntry, type AppendInput } from './entry.js';
import { firstLine, ioError } from './io-error.js';
import { parseJournal } from './parse-journal.js';
import { checkEventPayloads, parseEvent } from './run-entries.js';
import { isEventType } from './run-events.js';

export { verifyChain, type ChainVerdict } from './parse-journal.js';

/** What `JournalWriter.open` found: the verified entries and whether a torn tail was cut. */
export interface OpenedJournal {
  writer: JournalWriter;
  entries: JournalEntry[];
  repaired: null | { cutBytes: number; reason: string };
}

/** Injected clock, so tests and replays can fix `time`. */
export interface JournalWriterOptions {
  now?: () => Date;
}

/**
 * The only writer of one journal file. Each `append` writes the payload's large parts as blobs (fsynced) and then
 * one line followed by fdatasync, so once it resolves the event survives a crash. Appends run one at a time in
 * call order. One process per run is the run lock's job, not this class's.
 */
export class JournalWriter {
  readonly file: string;
  #handle: FileHandle;
  #now: () => Date;
  #nextSeq: number;
  #lastHash: string;
  #queue: Promise<unknown> = Promise.resolve();
  #closing = false;
  // After a failed write the file may hold part of a line, so nothing more may follow it.
  #failure: string | null = null;

  private constructor(file: string, handle: FileHandle, last: JournalEntry | undefined, now: () => Date) {
    this.file = file;
    this.#handle = handle;
    this.#now = now;
    this.#nextSeq = last === undefined ? 0 : last.seq + 1;
    this.#lastHash = last === undefined ? GENESIS_HASH : last.hash;
  }

  /**
   * Opens (creating it and its directories if needed) a journal for appending. Verifies every line and blob;
   * a last line with no newline is cut and reported in `repaired`; anything else wrong throws
   * `JournalCorruptError` naming the line, and nothing is cut.
   */
  static async open(file: string, options: JournalWriterOptions = {}): Promise<OpenedJournal> {
    let handle: FileHandle;
    try {
      await mkdirDurable(dirname(file));
      handle = await open(file, 'a+');
    } catch (error) {
      throw ioError(`cannot open journal ${file}`, error);
    }
    try {
      const bytes = await readAll(handle);
      const parsed = parseJournal(bytes, file);
      const entries = await resolveEntries(parsed.entries, file);
      checkEventPayloads(entries, file);
      let repaired: OpenedJournal['repaired'] = null;
      if (parsed.torn !== null) {
        await handle.truncate(parsed.validBytes);
        await handle.sync();
        repaired = { cutBytes: bytes.length - parsed.validBytes, reason: parsed.torn.reason };
      }
      // A new file's directory entry is not durable until its directory is synced.
      if (bytes.length === 0) await syncDir(dirname(file));
      const writer = new JournalWriter(
        file,
        handle,
        parsed.entries.at(-1),
        options.now ?? (() => new Date()),
      );
      return { writer, entries, repaired };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error instanceof JournalError ? error : ioError(`cannot open journal ${file}`, error);
    }
  }

  /** The seq the next appended entry will get. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Hash of the last entry, or the genesis hash for an empty journal. */
  get lastHash(): string {
    return this.#lastHash;
  }

  /** Appends one entry; resolves with it (as a reader will see it) once it is on disk. */
  append(input: AppendInput): Promise<JournalEntry> {
    if (this.#closing) return Promise.reject(new JournalError(`journal ${this.file} is closed`));
    const result = this.#queue.then(() => this.#write(input));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Waits for pending appends, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing) return this.#queue.then(() => undefined);
    this.#closing = true;
    this.#queue = this.#queue.then(() => this.#handle.close());
    await this.#queue;
  }

  async #write(input: AppendInput): Promise<JournalEntry> {
    if (this.#failure !== null) {
      throw new JournalError(
        `journal ${this.file} refuses appends after a failed write (${this.#failure})`,
        'Open the journal again; a torn last line is cut on open.',
      );
    }
    const { entry, shrunk } = this.#encode(input);
    const bytes = Buffer.from(`${canonicalJson(entry)}\n`, 'utf8');
    try {
      // Blobs first: a line on disk never names a blob that is not.
      await writeBlobs(blobDir(this.file), shrunk.texts);
      await writeAll(this.#handle, bytes);
      await this.#handle.datasync();
    } catch (error) {
      this.#failure = error instanceof Error ? error.message : String(error);
      throw ioError(`cannot append to journal ${this.file}`, error);
    }
    this.#nextSeq += 1;
    this.#lastHash = entry.hash;
    // Hand back what a reader will parse, so callers never act on data the journal cannot reproduce.
    const written = JournalEntry.parse(JSON.parse(bytes.toString('utf8')));
    if (written.blobs === undefined) return written;
    const payload = resolvePayload(written.payload, written.blobs, (ref) =>
      JSON.parse(shrunk.texts.get(ref.sha) ?? 'null'),
    );
    if (!payload.ok) throw new JournalError(`cannot journal a ${input.type} event: ${payload.reason}`);
    return { ...written, payload: payload.value as JournalEntry['payload'] };
  }

  #encode(input: AppendInput): { entry: JournalEntry; shrunk: ShrunkPayload } {
    try {
      const time = input.time ?? this.#now().toISOString();
      const payload = input.payload === undefined ? null : input.payload;
      if (isEventType(input.type)) {
        // Checked as a reader will see it (undefined members dropped), so nothing is written that cannot be read.
        const checked = parseEvent(input.type, JSON.parse(canonicalJson(payload)));
        if (!checked.ok) throw new Error(checked.reason);
      }
      const shrunk = shrinkPayload(payload);
      const built = buildEntry(
        { ...input, time, payload: shrunk.stored },
        this.#nextSeq,
        this.#lastHash,
        shrunk.refs,
      );
      return { entry: JournalEntry.parse(built), shrunk };
    } catch (error) {
      throw new JournalError(`cannot journal a ${input.type} event: ${describe(error)}`);
    }
  }
}

/**
 * Creates the journal `file` with its first event already in it. The directory is built under a hidden name
 * beside its final one, the event fdatasync'ed, and the directory renamed into place; so a crash at any moment
 * leaves either no run directory or one whose journal begins with that event, never an empty journal that
 * cannot say what the run was. Refuses (JournalError) when the directory already exists.
 */
export async function createJournal(
  file: string,
  first: AppendInput,
  options: JournalWriterOptions = {},
): Promise<JournalEntry> {
  const dir = dirname(file);
  const parent = dirname(dir);
  const staging = join(parent, `.creating-${basename(dir)}`);
  try {
    // What a crashed creation left behind holds nothing that was ever acted on: this id's, and any a day old.
    await rm(staging, { recursive: true, force: true });
    await removeStaleStaging(parent);
    await mkdirDurable(staging);
  } catch (error) {
    throw ioError(`cannot create journal ${file}`, error);
  }
  const { writer } = await JournalWriter.open(join(staging, basename(file)), options);
  let entry: JournalEntry;
  try {
    entry = await writer.append(first);
  } finally {
    await writer.close();
  }
  try {
    await rename(staging, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EISDIR') {
      await rm(staging, { recursive: true, force: true });
      throw new JournalError(
        `a run already exists at ${dir}`,
        'Resume it with agentctl resume <run-id>, or start the new run under another id.',
      );
    }
    throw ioError(`cannot create journal ${file}`, error);
  }
  await syncDir(parent);
  return entry;
}

async function removeStaleStaging(parent: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of names.filter((n) => n.startsWith('.creating-'))) {
    const dir = join(parent, name);
    const age = await stat(dir).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    if (age < dayAgo) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reads and verifies a journal and its blobs without changing anything; entries come back with their blobs put
 * back, and each run event's payload has passed its schema. A torn last line (no newline) is reported, not cut; anything else wrong is `JournalCorruptError`.
 */
export async function readJournal(
  file: string,
): Promise<{ entries: JournalEntry[]; torn: null | { offset: number; reason: string } }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new JournalError(`no journal at ${file}`, 'Check the run id; `.agentctl/runs/` lists the runs.');
    }
    throw ioError(`cannot read journal ${file}`, error);
  }
  const parsed = parseJournal(bytes, file);
  const entries = await resolveEntries(parsed.entries, file);
  checkEventPayloads(entries, file);
  return { entries, torn: parsed.torn };
}

async function readAll(handle: FileHandle): Promise<Buffer> {
  const { size } = await handle.stat();
  const buffer = Buffer.alloc(size);
  let offset = 0;
  while (offset < size) {
    const { bytesRead } = await handle.read(buffer, offset, size - offset, offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return buffer.subarray(0, offset);
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    // The file is opened O_APPEND, so each write lands at the end whatever the position.
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
    offset += bytesWritten;
  }
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    return issue === undefined ? 'invalid entry' : `${issue.path.join('.') || 'entry'}: ${issue.message}`;
  }
  return firstLine(error);
}
