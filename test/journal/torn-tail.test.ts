import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalError } from '../../src/errors.js';
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

  it('cuts a last line of zeros, as a power cut can leave', async () => {
    const dir = await tempDir();
    const full = await readFile(await writeSampleJournal(dir, 3));
    const { opened } = await openCopy(
      dir,
      'zeros.jsonl',
      Buffer.concat([full, Buffer.alloc(4096), Buffer.from('\n')]),
    );
    expect(opened?.entries).toHaveLength(3);
    expect(opened?.repaired).toEqual({
      cutBytes: 4097,
      reason: expect.stringMatching(/line 4 is not valid JSON/),
    });
    await opened?.writer.close();
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

  it('is cut as torn when the bit is in the last line, keeping the others', async () => {
    const dir = await tempDir();
    const full = await readFile(await writeSampleJournal(dir, 4));
    const ends = lineEnds(full);
    for (let at = ends[2] ?? 0; at < full.length; at += 1) {
      const copy = Buffer.from(full);
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      const { opened } = await openCopy(dir, `flip-${at}.jsonl`, copy);
      expect(opened?.entries, `flip at ${at}`).toHaveLength(3);
      expect(opened?.repaired?.cutBytes, `flip at ${at}`).toBe(full.length - (ends[2] ?? 0));
      await opened?.writer.close();
    }
  });
});
