/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { appendFile, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { JournalError } from '../../src/errors.js';
import { canonicalJson } from '../../src/journal/canonical.js';
import { GENESIS_HASH, type JournalEntry } from '../../src/journal/entry.js';
import { sha256Hex } from '../../src/journal/hash.js';
import { createJournal, JournalWriter, readJournal, verifyChain } from '../../src/journal/journal-file.js';
import { listRuns } from '../../src/journal/run-store.js';
import { tempDir, writeSampleJournal } from './helpers.js';

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').slice(0, -1);
}

describe('JournalWriter and readJournal', () => {
  it('round-trips appended entries, creating missing directories', async () => {
    const file = join(await tempDir(), 'runs', 'r1', 'journal.jsonl');
    const clock = () => new Date('2026-11-25T14:22:33.000Z');
    const { writer, entries, repaired } = await JournalWriter.open(file, { now: clock });
    expect(entries).toEqual([]);
    expect(repaired).toBeNull();
    const first = await writer.append({
      type: 'run.started',
      phase: 'init',
      payload: { task: 'fix #4', at: new Date(0) },
    });
    const second = await writer.append({
      type: 'tool.intent',
      phase: 'red',
      opKey: 'k1',
      payload: [1, 'two'],
    });
    await writer.close();

    expect(first).toMatchObject({ v: 1, seq: 0, time: '2026-11-25T14:22:33.000Z', prevHash: GENESIS_HASH });
    // The returned payload is what a reader will see: the Date is already its JSON string.
    expect(first.payload).toEqual({ task: 'fix #4', at: '1970-01-01T00:00:00.000Z' });
    expect(second).toMatchObject({ seq: 1, opKey: 'k1', prevHash: first.hash });
    const read = await readJournal(file);
    expect(read).toEqual({ entries: [first, second], torn: null });
    expect(verifyChain(read.entries)).toEqual({ ok: true });
  });

  it('writes one canonical JSON line per entry, hashed as documented', async () => {
    const file = await writeSampleJournal(await tempDir(), 3);
    const [line] = await lines(file);
    const entry = JSON.parse(line ?? '') as JournalEntry;
    expect(line).toBe(canonicalJson(entry));
    expect(entry.payloadHash).toBe(sha256Hex(canonicalJson(entry.payload)));
    const { hash: _hash, payload: _payload, ...header } = entry;
    expect(entry.hash).toBe(sha256Hex(canonicalJson(header)));
  });

  it('continues the chain after reopening', async () => {
    const file = await writeSampleJournal(await tempDir(), 3);
    const { writer, entries } = await JournalWriter.open(file);
    expect(writer.nextSeq).toBe(3);
    const next = await writer.append({ type: 'run.resumed', phase: 'green', payload: null });
    await writer.close();
    expect(next.seq).toBe(3);
    expect(next.prevHash).toBe(entries[2]?.hash);
    expect(verifyChain((await readJournal(file)).entries)).toEqual({ ok: true });
  });

  it('serializes concurrent appends in call order', async () => {
    const file = join(await tempDir(), 'journal.jsonl');
    const { writer } = await JournalWriter.open(file);
    const appended = await Promise.all(
      Array.from({ length: 40 }, (_, i) => writer.append({ type: 'tick', phase: 'p', payload: { i } })),
    );
    await writer.close();
    expect(appended.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(appended.map((e) => (e.payload as { i: number }).i)).toEqual(appended.map((e) => e.seq));
    const { entries } = await readJournal(file);
    expect(entries).toEqual(appended);
    expect(verifyChain(entries)).toEqual({ ok: true });
  });

  it('has the line on disk, visible to another process, once append resolves', async () => {
    const file = join(await tempDir(), 'journal.jsonl');
    const { writer } = await JournalWriter.open(file);
    for (let i = 0; i < 3; i += 1) {
      const entry = await writer.append({ type: 'step', phase: 'p', payload: { i } });
      const script = 'process.stdout.write(require("fs").readFileSync(process.argv[1], "utf8"))';
      const seen = await execa('node', ['-e', script, file], { stripFinalNewline: false });
      expect(seen.stdout.split('\n')).toHaveLength(i + 2);
      expect(seen.stdout.endsWith(`${canonicalJson(entry)}\n`)).toBe(true);
    }
    await writer.close();
  });

  it('rejects entries it cannot journal faithfully, and keeps working', async () => {
    const file = join(await tempDir(), 'journal.jsonl');
    const { writer } = await JournalWriter.open(file);
    await expect(writer.append({ type: 'x', phase: 'p', payload: { n: Number.NaN } })).rejects.toThrow(
      JournalError,
    );
    await expect(writer.append({ type: 'x', phase: 'p', payload: 1, time: 'yesterday' })).rejects.toThrow(
      /time/,
    );
    await expect(writer.append({ type: '', phase: 'p', payload: 1 })).rejects.toThrow(JournalError);
    const ok = await writer.append({ type: 'x', phase: 'p', payload: undefined });
    expect(ok).toMatchObject({ seq: 0, payload: null });
    await writer.close();
    expect(await lines(file)).toHaveLength(1);
  });

  it('refuses appends after close but finishes those queued before it', async () => {
    const file = join(await tempDir(), 'journal.jsonl');
    const { writer } = await JournalWriter.open(file);
    const pending = writer.append({ type: 'last', phase: 'p', payload: 1 });
    await writer.close();
    await expect(pending).resolves.toMatchObject({ seq: 0 });
    await expect(writer.append({ type: 'late', phase: 'p', payload: 1 })).rejects.toThrow(/closed/);
    await writer.close();
  });

  it('reports a torn tail on read without cutting it', async () => {
    const file = await writeSampleJournal(await tempDir(), 2);
    const { size } = await stat(file);
    await appendFile(file, '{"v":1,"se');
    const { entries, torn } = await readJournal(file);
    expect(entries).toHaveLength(2);
    expect(torn).toEqual({ offset: size, reason: expect.stringMatching(/line 3 has no trailing newline/) });
    expect((await stat(file)).size).toBe(size + 10);
  });

  it('reports a missing journal as a JournalError', async () => {
    await expect(readJournal(join(await tempDir(), 'nope.jsonl'))).rejects.toThrow(/no journal at/);
  });
});

describe('corruption before the last line', () => {
  async function tamper(edit: (entries: JournalEntry[]) => JournalEntry[]): Promise<string> {
    const file = await writeSampleJournal(await tempDir(), 5);
    const entries = (await lines(file)).map((line) => JSON.parse(line) as JournalEntry);
    await writeFile(
      file,
      edit(entries)
        .map((e) => `${JSON.stringify(e)}\n`)
        .join(''),
    );
    return file;
  }
  const rehash = (e: JournalEntry): JournalEntry => {
    const payloadHash = sha256Hex(canonicalJson(e.payload));
    const { hash: _h, payload: _p, ...header } = { ...e, payloadHash };
    return { ...e, payloadHash, hash: sha256Hex(canonicalJson(header)) };
  };

  it.each([
    [
      'an edited payload',
      (es: JournalEntry[]) => es.map((e, i) => (i === 2 ? { ...e, payload: 'edited' } : e)),
      /line 3: .*payloadHash/,
    ],
    [
      'an edited payload with a recomputed payloadHash',
      (es: JournalEntry[]) =>
        es.map((e, i) => (i === 2 ? { ...e, payload: 'x', payloadHash: sha256Hex('"x"') } : e)),
      /line 3: .*hash does not match/,
    ],
    [
      'a re-hashed forged entry',
      (es: JournalEntry[]) => es.map((e, i) => (i === 2 ? rehash({ ...e, phase: 'forged' }) : e)),
      /line 4: .*broken chain/,
    ],
    [
      'a deleted entry',
      (es: JournalEntry[]) => es.filter((_, i) => i !== 1),
      /line 2: .*seq is 2, expected 1/,
    ],
    [
      'swapped entries',
      (es: JournalEntry[]) => [es[0], es[2], es[1], es[3], es[4]].filter((e) => e !== undefined),
      /line 2: seq is 2/,
    ],
    [
      'an appended copy of an earlier entry',
      (es: JournalEntry[]) => [...es, es[1]].filter((e) => e !== undefined),
      /line 6: seq is 1/,
    ],
  ])('%s is a JournalError naming the line, on open and on read', async (_name, edit, message) => {
    const file = await tamper(edit);
    const before = await readFile(file);
    await expect(JournalWriter.open(file)).rejects.toThrow(message);
    await expect(readJournal(file)).rejects.toThrow(JournalError);
    // Never repaired or truncated: the evidence stays.
    expect(await readFile(file)).toEqual(before);
  });

  it('verifyChain reports the first bad entry in memory', async () => {
    const { entries } = await readJournal(await writeSampleJournal(await tempDir(), 4));
    expect(verifyChain(entries.map((e, i) => (i === 1 ? { ...e, type: 'other' } : e)))).toEqual({
      ok: false,
      seq: 1,
      reason: 'hash does not match the entry',
    });
    expect(verifyChain([entries[1], entries[2]].filter((e) => e !== undefined))).toMatchObject({
      ok: false,
      seq: 1,
    });
  });

  it('a blank line in the middle is a JournalError', async () => {
    const file = await writeSampleJournal(await tempDir(), 3);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('\n', '\n\n'));
    await expect(JournalWriter.open(file)).rejects.toThrow(/line 2: is not valid JSON/);
  });
});

describe('createJournal', () => {
  it('a run directory appears with its first event in it, or not at all', async () => {
    const root = await tempDir();
    const runs = join(root, '.agentctl', 'runs');
    const file = join(runs, 'r1', 'journal.jsonl');
    // What a creation killed half-way leaves: a hidden staging dir with an empty journal. It is not a run.
    await mkdir(join(runs, '.creating-r1'), { recursive: true });
    await writeFile(join(runs, '.creating-r1', 'journal.jsonl'), '');
    expect(await listRuns(root)).toEqual([]);

    const first = await createJournal(file, { type: 'opened', phase: 'ORIENT', payload: { task: 't' } });
    expect(first.seq).toBe(0);
    const { entries } = await readJournal(file);
    expect(entries.map((e) => e.type)).toEqual(['opened']);
    expect(await readdir(runs)).toEqual(['r1']);

    // Staging dirs of other ids are removed once they are a day old, not before (a creation may be under way).
    await mkdir(join(runs, '.creating-old'));
    await mkdir(join(runs, '.creating-young'));
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    await utimes(join(runs, '.creating-old'), twoDaysAgo, twoDaysAgo);
    await createJournal(join(runs, 'r2', 'journal.jsonl'), {
      type: 'opened',
      phase: 'ORIENT',
      payload: {},
    });
    expect((await readdir(runs)).sort()).toEqual(['.creating-young', 'r1', 'r2']);

    // A second run under the same id is refused, and the first is untouched.
    await expect(
      createJournal(file, { type: 'opened', phase: 'ORIENT', payload: { task: 'other' } }),
    ).rejects.toThrow(JournalError);
    expect((await readJournal(file)).entries).toHaveLength(1);
    expect((await readdir(runs)).sort()).toEqual(['.creating-young', 'r1', 'r2']);
  });
});
