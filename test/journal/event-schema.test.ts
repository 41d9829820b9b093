import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { JournalCorruptError, JournalError, JournalVersionError } from '../../src/errors.js';
import { canonicalJson, sha256Hex, type JournalEntry } from '../../src/journal/entry.js';
import { JournalWriter, readJournal } from '../../src/journal/journal-file.js';
import { journalPath, newRunId } from '../../src/journal/run-store.js';
import { Config } from '../../src/policy/config-schema.js';
import { foldJournal } from '../../src/runtime/fold.js';
import { agentctl } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const limits = { maxTurns: 5, maxInputTokens: 1000, maxOutputTokens: 1000, maxCostUsd: 1, maxWallMs: 60_000 };

/** A journal of a run that started and asked for its baseline, written through the checked writer. */
async function writeRun(file: string, runId: string): Promise<void> {
  const { writer } = await JournalWriter.open(file);
  const config = Config.parse({ test: { runner: 'vitest' } });
  await writer.append({
    type: 'run_started',
    phase: 'ORIENT',
    payload: {
      start: { runId, task: 'round half up', maxAttempts: 3, limits },
      context: {
        runId,
        task: 'round half up',
        repoRoot: '/r',
        worktree: '/w',
        runDir: '/d',
        baseSha: 'a'.repeat(40),
        startedAt: '2026-12-02T10:00:00.000Z',
        identity: { name: 'n', email: 'e@example.com' },
        config,
        depLinks: [],
      },
      model: 'scripted',
      modelSpec: null,
    },
  });
  await writer.append({
    type: 'effect_intent',
    phase: 'ORIENT',
    opKey: 'k1',
    payload: { effect: { kind: 'run_baseline' } },
  });
  await writer.append({ type: 'checkpoint', phase: 'ORIENT', payload: { reason: 'interrupted', step: 0 } });
  await writer.close();
}

/** Rewrites line `index + 1` with `edit` and recomputes every hash after it, so only the shape is wrong. */
async function editAndRechain(
  file: string,
  index: number,
  edit: (e: JournalEntry) => JournalEntry,
): Promise<void> {
  const entries = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JournalEntry);
  let prevHash = entries[0]!.prevHash;
  const out = entries.map((entry, i) => {
    const changed = i === index ? edit(entry) : entry;
    const payloadHash = sha256Hex(canonicalJson(changed.payload));
    const { hash: _h, payload: _p, ...header } = { ...changed, payloadHash, prevHash };
    const hash = sha256Hex(canonicalJson(header));
    prevHash = hash;
    return { ...changed, payloadHash, prevHash: header.prevHash, hash };
  });
  await writeFile(file, out.map((e) => `${canonicalJson(e)}\n`).join(''));
}

describe('journal event schemas', () => {
  it('a payload of the wrong shape with a recomputed chain is refused on read, naming the line and field', async () => {
    const file = join(await tempDir(), 'journal.jsonl');
    await writeRun(file, 'r1');
    expect(foldJournal((await readJournal(file)).entries).openIntent?.effect).toEqual({
      kind: 'run_baseline',
    });
    await editAndRechain(file, 1, (e) => ({ ...e, payload: { effect: { kind: 'run_baseline', extra: 1 } } }));
    const error = await readJournal(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect((error as Error).message).toMatch(/corrupt at line 2: effect_intent payload\.effect/);
    await expect(JournalWriter.open(file)).rejects.toThrow(/line 2: effect_intent payload\.effect/);
  });

  it('names the field deep inside an event', async () => {
    const file = join(await tempDir(), 'journal.jsonl');
    await writeRun(file, 'r1');
    await editAndRechain(file, 0, (e) => {
      const payload = structuredClone(e.payload) as { start: { limits: { maxTurns: unknown } } };
      payload.start.limits.maxTurns = 'many';
      return { ...e, payload };
    });
    await expect(readJournal(file)).rejects.toThrow(/line 1: run_started payload\.start\.limits\.maxTurns: /);
  });

  it('refuses to write a run event of the wrong shape, and writes nothing', async () => {
    const file = join(await tempDir(), 'journal.jsonl');
    const { writer } = await JournalWriter.open(file);
    await expect(
      writer.append({ type: 'checkpoint', phase: 'ORIENT', payload: { reason: 'bored', step: 0 } }),
    ).rejects.toThrow(JournalError);
    await writer.close();
    expect(await readFile(file, 'utf8')).toBe('');
  });

  it('a line of a newer event version is refused with what to do, not called damage', async () => {
    const file = join(await tempDir(), 'journal.jsonl');
    await writeRun(file, 'r1');
    await editAndRechain(file, 2, (e) => ({ ...e, v: 2 }) as unknown as JournalEntry);
    const error = await readJournal(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalVersionError);
    expect((error as JournalVersionError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/line 3 was written by a newer agentctl \(event version 2/);
    expect((error as JournalVersionError).hint).toMatch(/upgrade/);
  });

  it('resume, replay and runs show exit 2 naming the line and field', { timeout: 120_000 }, async () => {
    const root = await tempDir();
    await execa('git', ['init', '-q'], { cwd: root });
    const runId = newRunId(new Date('2026-12-02T10:00:00Z'));
    const file = journalPath(root, runId);
    await mkdir(join(file, '..'), { recursive: true });
    await writeRun(file, runId);
    await editAndRechain(file, 2, (e) => ({ ...e, payload: { reason: 'interrupted', step: 'zero' } }));
    for (const args of [
      ['resume', runId],
      ['replay', runId],
      ['runs', 'show', runId],
    ]) {
      const r = await agentctl(args, root);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/line 3: checkpoint payload\.step: /);
    }
  });
});
