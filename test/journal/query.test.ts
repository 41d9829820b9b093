import { describe, expect, it } from 'vitest';
import { buildEntry, GENESIS_HASH, type JournalEntry } from '../../src/journal/entry.js';
import { queryEntries } from '../../src/journal/query.js';

function journal(): JournalEntry[] {
  const rows = [
    { type: 'model.reply', phase: 'red', time: '2026-11-25T10:00:00.000Z', payload: { ok: true } },
    { type: 'tool.intent', phase: 'red', opKey: 'k1', time: '2026-11-25T10:05:00.000Z', payload: { n: 1 } },
    { type: 'tool.result', phase: 'red', opKey: 'k1', time: '2026-11-25T12:10:00+02:00', payload: { n: 2 } },
    { type: 'model.reply', phase: 'green', time: '2026-11-25T11:00:00.000Z', payload: { ok: false } },
  ];
  const entries: JournalEntry[] = [];
  for (const row of rows) entries.push(buildEntry(row, entries.length, entries.at(-1)?.hash ?? GENESIS_HASH));
  return entries;
}

describe('queryEntries', () => {
  const entries = journal();
  const seqs = (found: JournalEntry[]) => found.map((e) => e.seq);

  it('keeps everything with an empty filter, in journal order', () => {
    expect(seqs(queryEntries(entries, {}))).toEqual([0, 1, 2, 3]);
  });

  it('filters by type, phase and opKey together', () => {
    expect(seqs(queryEntries(entries, { types: ['model.reply'] }))).toEqual([0, 3]);
    expect(seqs(queryEntries(entries, { types: ['model.reply', 'tool.result'], phases: ['red'] }))).toEqual([
      0, 2,
    ]);
    expect(seqs(queryEntries(entries, { opKey: 'k1' }))).toEqual([1, 2]);
    expect(queryEntries(entries, { types: [] })).toEqual([]);
  });

  it('filters by instant, since inclusive and until exclusive, across offsets', () => {
    const since = new Date('2026-11-25T10:05:00Z');
    const until = new Date('2026-11-25T11:00:00Z');
    // seq 2 is 10:10Z written with a +02:00 offset.
    expect(seqs(queryEntries(entries, { since, until }))).toEqual([1, 2]);
  });

  it('applies a predicate last', () => {
    const where = (e: JournalEntry) => (e.payload as { ok?: boolean }).ok === false;
    expect(seqs(queryEntries(entries, { types: ['model.reply'], where }))).toEqual([3]);
  });
});
