/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalCorruptError, JournalError } from '../../src/errors.js';
import { JournalWriter, readJournal, verifyChain } from '../../src/journal/journal-file.js';
import { tempDir, writeSampleJournal } from './helpers.js';

/** Byte offsets just past each line's newline. */
function lineEnds(bytes: Buffer): number[] {
  const ends: number[] = [];
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) ends.push(i + 1);
  return ends;
}

/** Opens a copy of `bytes`; returns what open returned, or the JournalError it threw. */
async function openCopy(dir: string, name: string, bytes: Uint8Array) {
  const file = join(dir, name);
  await writeFile(file, bytes);
  try {
    const opened = await JournalWriter.open(file);
    return { file, opened, error: null };
  } catch (error) {
    // Anything but a JournalError fails the test here.
    if (!(error instanceof JournalError)) throw error;
    return { file, opened: null, error };
  }
}

describe('a journal cut short by a crash', () => {
  it('opens cleanly at every byte offset in its last two events, keeping every whole event', async () => {
    const dir = await tempDir();
    const full = await readFile(await writeSampleJournal(dir, 6));
    const ends = lineEnds(full);
    expect(ends).toHaveLength(6);
    const from = ends[3] ?? 0;
    for (let cut = from; cut <= full.length; cut += 1) {
      const { file, opened } = await openCopy(dir, `cut-${cut}.jsonl`, full.subarray(0, cut));
      const whole = ends.filter((end) => end <= cut);
      const kept = whole.at(-1) ?? 0;
      expect(opened, `cut at ${cut}`).not.toBeNull();
      if (opened === null) continue;
      expect(
        opened.entries.map((e) => e.seq),
        `cut at ${cut}`,
      ).toEqual(whole.map((_, i) => i));
      expect(opened.repaired, `cut at ${cut}`).toEqual(
        cut === kept ? null : { cutBytes: cut - kept, reason: expect.stringMatching(/no trailing newline/) },
      );
      expect((await stat(file)).size).toBe(kept);
      // The repaired journal takes the next event and still verifies (sampled: each check costs two fsyncs).
      if (cut !== kept && (cut - kept) % 16 !== 1) {
        await opened.writer.close();
        continue;
      }
      await opened.writer.append({ type: 'after', phase: 'p', payload: cut });
      await opened.writer.close();
      const reread = await readJournal(file);
      expect(reread.torn).toBeNull();
      expect(reread.entries).toHaveLength(whole.length + 1);
      expect(verifyChain(reread.entries)).toEqual({ ok: true });
    }
  });

  it('cuts a tail of zeros with no newline, as a power cut can leave', async () => {
    const dir = await tempDir();
    const full = await readFile(await writeSampleJournal(dir, 3));
    const { opened } = await openCopy(dir, 'zeros.jsonl', Buffer.concat([full, Buffer.alloc(4096)]));
    expect(opened?.entries).toHaveLength(3);
    expect(opened?.repaired).toEqual({
      cutBytes: 4096,
      reason: expect.stringMatching(/line 4 has no trailing newline/),
    });
    await opened?.writer.close();
  });

  it('refuses a complete last line of junk and leaves the file as it was', async () => {
    const dir = await tempDir();
    const full = await readFile(await writeSampleJournal(dir, 3));
    const bytes = Buffer.concat([full, Buffer.alloc(64), Buffer.from('\n')]);
    const { file, opened, error } = await openCopy(dir, 'junk.jsonl', bytes);
    expect(opened).toBeNull();
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/junk\.jsonl is corrupt at line 4: is not valid JSON/);
    expect(await readFile(file)).toEqual(bytes);
  });
});

describe('a journal with a flipped bit', () => {
  it('is a JournalError naming the line when the bit is in a middle line', async () => {
    const dir = await tempDir();
    const full = await readFile(await writeSampleJournal(dir, 5));
    const ends = lineEnds(full);
    for (let at = ends[1] ?? 0; at < (ends[2] ?? 0); at += 1) {
      const copy = Buffer.from(full);
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      const { opened, error } = await openCopy(dir, `flip-${at}.jsonl`, copy);
      await opened?.writer.close();
      expect(error?.message, `flip at ${at}`).toMatch(/corrupt at line 3: /);
      await expect(readJournal(join(dir, `flip-${at}.jsonl`))).rejects.toThrow(/line 3/);
    }
  });

  it('is refused, not cut, when the bit is in a complete last line', async () => {
    const dir = await tempDir();
    const full = await readFile(await writeSampleJournal(dir, 4));
    const ends = lineEnds(full);
    // Every byte of the last line but its newline: flipping that one makes a torn line, tested above.
    for (let at = ends[2] ?? 0; at < full.length - 1; at += 1) {
      const copy = Buffer.from(full);
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      const { file, opened, error } = await openCopy(dir, `flip-${at}.jsonl`, copy);
      await opened?.writer.close();
      expect(opened, `flip at ${at}`).toBeNull();
      expect(error, `flip at ${at}`).toBeInstanceOf(JournalCorruptError);
      expect(error?.message, `flip at ${at}`).toMatch(/corrupt at line 4: /);
      expect(await readFile(file), `flip at ${at}`).toEqual(copy);
      await expect(readJournal(file)).rejects.toThrow(/line 4/);
    }
  });
});
