import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describeEntry } from '../cli/commands/runs.js';
import { readJournal } from '../journal/journal-file.js';
import { runEntries, type RunEntry } from '../journal/run-entries.js';
import { requireJournal, runDir } from '../journal/run-store.js';
import { foldJournal } from '../runtime/fold.js';
import type { GateVerdictOutput, RefusalOutput, RunView } from './schemas.js';

/** A run's verified, typed entries (an unknown run or a corrupt journal throws, naming it). */
export async function runEntriesOf(root: string, runId: string): Promise<RunEntry[]> {
  return runEntries((await readJournal(await requireJournal(root, runId))).entries);
}

/** Every gate verdict the run journaled, in order. */
function verdictsOf(entries: readonly RunEntry[]): GateVerdictOutput[] {
  return entries.flatMap((e): GateVerdictOutput[] => {
    if (e.type !== 'gate_verdict') return [];
    const p = e.payload;
    switch (p.gate) {
      case 'RED':
        return [{ gate: 'RED', seq: e.seq, verdict: p.verdict }];
      case 'GREEN':
        return [{ gate: 'GREEN', seq: e.seq, verdict: p.verdict }];
      case 'NON_BEHAVIORAL':
        return [{ gate: 'NON_BEHAVIORAL', seq: e.seq, verdict: p.verdict }];
    }
  });
}

/** Every proposal the runtime refused before a gate ran it. */
function refusalsOf(entries: readonly RunEntry[]): RefusalOutput[] {
  return entries.flatMap((e): RefusalOutput[] => {
    if (e.type !== 'effect_result' && e.type !== 'external_event') return [];
    const ev = e.payload.event;
    if (ev.type !== 'patch_refused') return [];
    return [{ seq: e.seq, patchKind: ev.patchKind, rule: ev.rule, message: ev.message }];
  });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * What a run has done so far, from its journal through the same fold `runs list` and `resume` use. `driving`
 * says whether a process of this server is still running it.
 */
export async function runView(root: string, runId: string, driving: boolean): Promise<RunView> {
  const entries = await runEntriesOf(root, runId);
  const folded = foldJournal(entries);
  const { state } = folded;
  const dir = runDir(root, runId);
  const evidence = join(dir, 'evidence.md');
  return {
    runId,
    task: folded.start.task,
    phase: state.phase,
    status: folded.finished ? 'finished' : driving ? 'running' : 'stopped',
    attempts: state.attempts,
    verdicts: verdictsOf(entries),
    refusals: refusalsOf(entries),
    commit: state.phase === 'DONE' ? state.commit.sha : null,
    branch: state.phase === 'DONE' ? state.commit.branch : null,
    reason: 'reason' in state ? state.reason : null,
    runDir: dir,
    evidence: (await exists(evidence)) ? evidence : null,
  };
}

/** The timeline `agentctl runs show` prints, as data. */
export async function runTimeline(root: string, runId: string) {
  const entries = await runEntriesOf(root, runId);
  return entries.map((e) => ({
    seq: e.seq,
    time: e.time,
    phase: e.phase,
    type: e.type,
    text: describeEntry(e),
  }));
}
