import { copyFile, mkdtemp, readFile, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateGreen } from '../../gates/green-gate.js';
import { evaluateRed } from '../../gates/red-gate.js';
import { JournalError } from '../../src/errors.js';
import { JournalWriter } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import { foldJournal } from '../../src/runtime/fold.js';
import { replayJournal } from '../../src/runtime/replay.js';
import { runScenario } from '../helpers/fixture-repo.js';
import { reportLoader } from '../helpers/replay.js';

describe('replay and journal damage on a real run', () => {
  it('a deliberately changed gate rule is reported as the first divergence', async () => {
    const r = await runScenario('calc-node', 'already-passing');
    expect(r.state.phase).toBe('DONE');
    // A RED gate that no longer refuses passing tests: the journal says "passes", the code would now say RED.
    const lenient = (input: Parameters<typeof evaluateRed>[0]) => {
      const v = evaluateRed(input);
      return v.reason === 'passes' ? { ...v, ok: true, reason: 'red' as const } : v;
    };
    const result = replayJournal(r.journal, reportLoader(r.ctx.runDir), {
      red: lenient,
      green: evaluateGreen,
    });
    expect(result.ok).toBe(false);
    expect(result.divergence).toMatchObject({
      what: 'gate',
      journal: 'RED fail: passes',
      now: 'RED pass: red',
    });

    // Truncating the journal at every byte of its last two events: a clean fold of the whole events before
    // the cut, or a clear JournalError; never another crash, never a silently skipped whole event.
    const file = journalPath(r.ctx.repoRoot, r.ctx.runId);
    const bytes = await readFile(file);
    const lines = bytes
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    const lastTwoStart = Buffer.byteLength(lines.slice(0, -2).join('\n') + '\n');
    const dir = await mkdtemp(join(tmpdir(), 'agentctl-trunc-'));
    let clean = 0;
    for (let offset = lastTwoStart; offset <= bytes.length; offset++) {
      const copy = join(dir, `j-${offset}.jsonl`);
      await copyFile(file, copy);
      await truncate(copy, offset);
      try {
        const opened = await JournalWriter.open(copy);
        await opened.writer.close();
        const whole = Buffer.byteLength(lines.slice(0, opened.entries.length).join('\n') + '\n');
        expect(whole).toBeLessThanOrEqual(offset + 1);
        expect(opened.entries.length).toBeGreaterThanOrEqual(lines.length - 2);
        foldJournal(opened.entries);
        clean += 1;
      } catch (err) {
        expect(err).toBeInstanceOf(JournalError);
      }
    }
    expect(clean).toBeGreaterThan(0);
  });
});
