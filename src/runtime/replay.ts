import { isPublishEffect, isPublishEvent, type Effect } from '../core/events.js';
import type { BaselineSummary, GreenVerdict, RedVerdict } from '../core/evidence.js';
import type { TestReport } from '../core/report.js';
import type { RunState } from '../core/state.js';
import { startRun, transition } from '../core/transition.js';
import { evaluateGreen, type GreenInput } from '../../gates/green-gate.js';
import { evaluateRed, type RedInput } from '../../gates/red-gate.js';
import { canonicalJson } from '../journal/canonical.js';
import { JournalCorruptError } from '../errors.js';
import type { JournalEntry } from '../journal/entry.js';
import { runEntries } from '../journal/run-entries.js';
import type { EventPayload } from '../journal/run-events.js';

/** The gate functions replay recomputes verdicts with; injectable so a changed rule can be shown to diverge. */
export interface ReplayGates {
  red: (input: RedInput) => RedVerdict;
  green: (input: GreenInput) => GreenVerdict;
}

export interface Divergence {
  seq: number;
  what: 'effect' | 'phase' | 'gate';
  journal: string;
  now: string;
}

export interface ReplayResult {
  ok: boolean;
  events: number;
  decisions: number;
  finalPhase: string;
  divergence: Divergence | null;
}

const summarizeEffect = (e: Effect | undefined) =>
  e === undefined ? 'nothing' : `${e.kind}${'phase' in e ? ` (${e.phase})` : ''}`;
const verdictKey = (v: { ok: boolean; reason: string }) => `${v.ok ? 'pass' : 'fail'}: ${v.reason}`;

/**
 * Re-drives the pure machine from journaled results, without a model or a repository: every effect the code
 * would now emit must equal the journaled intent, every phase the journaled transition, and every gate verdict,
 * recomputed from the saved test reports, the journaled verdict. The first difference is reported.
 */
export function replayJournal(
  entries: readonly JournalEntry[],
  loadReport: (sha: string) => TestReport,
  gates: ReplayGates = { red: evaluateRed, green: evaluateGreen },
): ReplayResult {
  const typed = runEntries(entries);
  const first = typed[0];
  if (first?.type !== 'run_started')
    throw new JournalCorruptError(
      'the journal does not begin with run_started',
      'Inspect it with agentctl runs show.',
    );
  let t = startRun(first.payload.start);
  let state: RunState = t.state;
  let pending: Effect[] = t.effects;
  let decisions = 0;
  const diverge = (seq: number, what: Divergence['what'], journal: string, now: string): ReplayResult => ({
    ok: false,
    events: entries.length,
    decisions,
    finalPhase: state.phase,
    divergence: { seq, what, journal, now },
  });
  // Null when the verdict was journaled without its inputs (GREEN, so far): it cannot be judged again.
  const recompute = (
    gate: EventPayload<'gate_verdict'>,
    baseline: BaselineSummary,
  ): RedVerdict | GreenVerdict | null => {
    if (gate.gate === 'RED') {
      const inputs = gate.inputs;
      if (inputs === undefined) return null;
      return gates.red({
        baseline,
        report: loadReport(inputs.reportSha),
        reportSha: inputs.reportSha,
        patchedFiles: inputs.patchedFiles,
        assertions: inputs.assertions,
        ...(inputs.stubbed !== undefined ? { stubbed: inputs.stubbed } : {}),
        ...(inputs.unrelated !== undefined ? { unrelated: inputs.unrelated } : {}),
        ...(inputs.changed !== undefined ? { changed: inputs.changed } : {}),
        ...(inputs.weakened !== undefined ? { weakened: inputs.weakened } : {}),
      });
    }
    // The non-behavioral verdict reads file contents from git trees, which replay does not open.
    if (gate.gate === 'NON_BEHAVIORAL') return null;
    const inputs = gate.inputs;
    if (inputs === undefined) return null;
    return gates.green({
      baseline,
      newTestIds: inputs.newTestIds,
      lockedChanged: inputs.lockedChanged,
      targeted: loadReport(inputs.targetedSha),
      full: inputs.fullSha === null ? null : loadReport(inputs.fullSha),
      reportSha: inputs.fullSha ?? inputs.targetedSha,
    });
  };
  for (const entry of typed) {
    switch (entry.type) {
      case 'effect_intent': {
        const journaled = entry.payload.effect;
        // `ci fix` publishing runs after the machine stopped; it is not one of its decisions.
        if (isPublishEffect(journaled)) break;
        if (canonicalJson(pending[0]) !== canonicalJson(journaled)) {
          return diverge(entry.seq, 'effect', summarizeEffect(journaled), summarizeEffect(pending[0]));
        }
        break;
      }
      case 'gate_verdict': {
        const baseline = state.baseline;
        const gate = entry.payload;
        const now = baseline === null ? null : recompute(gate, baseline);
        if (now === null) break;
        decisions += 1;
        if (verdictKey(now) !== verdictKey(gate.verdict)) {
          return diverge(
            entry.seq,
            'gate',
            `${gate.gate} ${verdictKey(gate.verdict)}`,
            `${gate.gate} ${verdictKey(now)}`,
          );
        }
        break;
      }
      case 'effect_result':
      case 'external_event':
        if (isPublishEvent(entry.payload.event)) break;
        t = transition(state, entry.payload.event);
        state = t.state;
        pending = t.effects;
        decisions += 1;
        break;
      case 'transition':
        if (entry.payload.to !== state.phase)
          return diverge(entry.seq, 'phase', entry.payload.to, state.phase);
        break;
      case 'run_started':
      case 'run_resumed':
      case 'run_finished':
      case 'checkpoint':
      case 'model_request':
      case 'model_response':
      case 'model_error':
      case 'tool_call':
      case 'tool_result':
      case 'worktree_restored':
      case 'test_report':
      case 'lock':
      case 'approval_decided':
      case 'publish_intent':
      case 'guard_started':
      case 'guard_decision':
      case 'guard_red':
      case 'guard_locked':
      case 'guard_green':
      case 'guard_off':
      case 'guard_closed':
      case 'publish_result':
        break;
      default: {
        const unhandled: never = entry;
        return unhandled;
      }
    }
  }
  return { ok: true, events: entries.length, decisions, finalPhase: state.phase, divergence: null };
}
