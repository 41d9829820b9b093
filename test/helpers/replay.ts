import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TestReport } from '../../src/core/report.js';
import type { JournalEntry } from '../../src/journal/entry.js';
import { replayJournal, type ReplayGates } from '../../src/runtime/replay.js';

export function reportLoader(runDir: string): (sha: string) => TestReport {
  return (sha) => JSON.parse(readFileSync(join(runDir, 'reports', `${sha}.json`), 'utf8')) as TestReport;
}

/** Replays a finished run from its journal and expects every decision reproduced. */
export function expectReplays(
  r: { journal: JournalEntry[]; ctx: { runDir: string }; state: { phase: string } },
  gates?: ReplayGates,
) {
  const result = replayJournal(r.journal, reportLoader(r.ctx.runDir), gates);
  expect(result.divergence).toBeNull();
  expect(result.finalPhase).toBe(r.state.phase);
  expect(result.decisions).toBeGreaterThan(3);
  return Promise.resolve(result);
}
