import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { JournalCorruptError } from '../errors.js';
import { resolvePayload, type BlobRef } from './blob-ref.js';
import { mkdirDurable, syncDir } from './durable-fs.js';
import type { JournalEntry } from './entry.js';
import { ioError } from './io-error.js';

/** The blob directory of the journal `file`: `<run dir>/blobs`. */
export function blobDir(file: string): string {
  return join(dirname(file), 'blobs');
}

/**
 * Writes each blob that is not there yet under its hash: a temporary file, fsync, rename, fsync of the directory.
 * Once this resolves, an event that names the blobs may be appended.
 */
export async function writeBlobs(dir: string, texts: ReadonlyMap<string, string>): Promise<void> {
  if (texts.size === 0) return;
  try {
    await mkdirDurable(dir);
    let added = false;
    for (const [sha, text] of texts) {
      const target = join(dir, sha);
      const bytes = Buffer.from(text, 'utf8');
      const existing = await stat(target).catch(() => null);
      // A blob appears only by rename, whole; one that is there but altered is replaced, not trusted.
      if (existing?.size === bytes.length && (await hashOf(target)) === sha) continue;
      const temp = join(dir, `.tmp-${sha}-${randomBytes(4).toString('hex')}`);
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target).catch(async (error: unknown) => {
        await rm(temp, { force: true });
        throw error;
      });
      added = true;
    }
    if (added) await syncDir(dir);
  } catch (error) {
    throw ioError(`cannot write journal blobs in ${dir}`, error);
  }
}

/**
 * Entries with their blobs put back, each blob read once and checked against its hash. A missing or altered
 * blob is `JournalCorruptError` naming the journal line that refers to it.
 */
export async function resolveEntries(entries: JournalEntry[], file: string): Promise<JournalEntry[]> {
  const dir = blobDir(file);
  const cache = new Map<string, unknown>();
  const resolved: JournalEntry[] = [];
  for (const entry of entries) {
    if (entry.blobs === undefined) {
      resolved.push(entry);
      continue;
    }
    const line = entry.seq + 1;
    const values = new Map<string, unknown>();
    for (const ref of entry.blobs) {
      if (!cache.has(ref.sha)) cache.set(ref.sha, await loadBlob(dir, ref, file, line));
      values.set(ref.sha, cache.get(ref.sha));
    }
    const payload = resolvePayload(entry.payload, entry.blobs, (ref) => values.get(ref.sha));
    if (!payload.ok) throw corruptBlob(file, line, payload.reason);
    resolved.push({ ...entry, payload: payload.value as JournalEntry['payload'] });
  }
  return resolved;
}

async function hashOf(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

async function loadBlob(dir: string, ref: BlobRef, file: string, line: number): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, ref.sha));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw corruptBlob(file, line, `its blob ${ref.sha} is missing from ${dir}`);
    }
    throw ioError(`cannot read journal blob ${join(dir, ref.sha)}`, error);
  }
  if (createHash('sha256').update(bytes).digest('hex') !== ref.sha || bytes.length !== ref.bytes) {
    throw corruptBlob(file, line, `its blob ${ref.sha} does not match its hash`);
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw corruptBlob(file, line, `its blob ${ref.sha} is not JSON`);
  }
}

function corruptBlob(file: string, line: number, reason: string): JournalCorruptError {
  return new JournalCorruptError(
    `journal ${file} is corrupt at line ${line}: ${reason}`,
    'Blobs are written before the event that names them, so this is damage or tampering; start a new run.',
  );
}
