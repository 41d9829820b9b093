import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalCorruptError } from '../../src/errors.js';
import { BLOB_THRESHOLD } from '../../src/journal/blob-ref.js';
import { JournalWriter, readJournal, verifyChain } from '../../src/journal/journal-file.js';
import { tempDir } from './helpers.js';

async function journalWith(payloads: unknown[]): Promise<{ dir: string; file: string }> {
  const dir = await tempDir();
  const file = join(dir, 'journal.jsonl');
  const { writer } = await JournalWriter.open(file);
  for (const payload of payloads) await writer.append({ type: 't', phase: 'p', payload });
  await writer.close();
  return { dir, file };
}

describe('large payload parts stored once as blobs', () => {
  it('keeps a 2 MB diff repeated in four events once on disk, and gives it back whole', async () => {
    const diff = `--- a/x\n+++ b/x\n${'+ línea ✓\n'.repeat(200_000)}`;
    const payloads = [
      { turn: { calls: [{ name: 'propose_test', input: { summary: 's', diff } }] } },
      { event: { type: 'model_turn', turn: { calls: [{ input: { summary: 's', diff } }] } } },
      { effect: { kind: 'apply_patch', input: { summary: 's', diff } } },
      { small: 'stays inline' },
    ];
    const { dir, file } = await journalWith(payloads);
    const blobs = await readdir(join(dir, 'blobs'));
    expect(blobs).toHaveLength(1);
    expect((await stat(file)).size).toBeLessThan(4 * 1024);
    const { entries } = await readJournal(file);
    expect(entries.map((e) => e.payload)).toEqual(payloads);
    expect(entries[3]?.blobs).toBeUndefined();
    expect(verifyChain(entries)).toEqual({ ok: true });
  });

  it('stores a proposal made of many small edits as one blob', async () => {
    const edits = Array.from({ length: 2000 }, (_, i) => ({ path: `f${i}.js`, old: 'a', new: 'b' }));
    const { dir, file } = await journalWith([{ input: { edits } }, { again: { edits } }]);
    expect(await readdir(join(dir, 'blobs'))).toHaveLength(1);
    expect((await stat(file)).size).toBeLessThan(2 * 1024);
    expect((await readJournal(file)).entries[1]?.payload).toEqual({ again: { edits } });
  });

  it('stores a large body nested in a large node once, not once per enclosing blob', async () => {
    const content = 'z'.repeat(500_000);
    const edits = [
      { path: 'big.js', content },
      ...Array.from({ length: 2000 }, (_, i) => ({ path: `f${i}.js`, old: 'a', new: 'b' })),
    ];
    const payloads = [{ turn: { input: { edits } } }, { effect: { input: { edits } } }];
    const { dir, file } = await journalWith(payloads);
    const names = await readdir(join(dir, 'blobs'));
    expect(names).toHaveLength(2);
    const sizes = await Promise.all(names.map(async (n) => (await stat(join(dir, 'blobs', n))).size));
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(content.length * 1.2);
    const { entries } = await readJournal(file);
    expect(entries.map((e) => e.payload)).toEqual(payloads);
    expect(verifyChain(entries)).toEqual({ ok: true });
  });

  it('keeps a "__proto__" key in model output as data', async () => {
    const input = JSON.parse(
      `{"__proto__": {"polluted": "${'x'.repeat(BLOB_THRESHOLD + 1)}"}, "k": 1}`,
    ) as object;
    const { file } = await journalWith([{ input }]);
    const read = (await readJournal(file)).entries[0]?.payload as { input: Record<string, unknown> };
    expect(Object.hasOwn(read.input, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(read)).toBe(JSON.stringify({ input }));
  });

  it('refuses a journal whose blob was altered or removed, naming the line that refers to it', async () => {
    const big = 'y'.repeat(BLOB_THRESHOLD * 2);
    const { dir, file } = await journalWith([{ a: 1 }, { body: big }]);
    const [name] = await readdir(join(dir, 'blobs'));
    const blob = join(dir, 'blobs', name!);
    const text = await readFile(blob, 'utf8');
    await writeFile(blob, text.replace('yy', 'yz'));
    const altered = await readJournal(file).catch((e: unknown) => e);
    expect(altered).toBeInstanceOf(JournalCorruptError);
    expect((altered as Error).message).toMatch(
      /corrupt at line 2: its blob [0-9a-f]{64} does not match its hash/,
    );
    await expect(JournalWriter.open(file)).rejects.toThrow(/line 2/);
    await rm(blob);
    await expect(readJournal(file)).rejects.toThrow(/line 2: its blob [0-9a-f]{64} is missing/);
  });

  it('refuses a line whose blob reference was edited, even with the blob present', async () => {
    const { file } = await journalWith([
      { body: 'z'.repeat(BLOB_THRESHOLD * 2) },
      { other: 'w'.repeat(BLOB_THRESHOLD * 2) },
    ]);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const second = JSON.parse(lines[1]!) as { blobs: Array<{ sha: string }> };
    const first = JSON.parse(lines[0]!) as { blobs: Array<{ sha: string }> };
    // Point line 1 at line 2's blob: the blob verifies, the entry's hash does not.
    lines[0] = lines[0]!.replace(first.blobs[0]!.sha, second.blobs[0]!.sha);
    await writeFile(file, lines.join('\n'));
    await expect(readJournal(file)).rejects.toThrow(/corrupt at line 1: /);
  });
});
