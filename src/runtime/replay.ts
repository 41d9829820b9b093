import type { Effect, RunEvent } from '../core/events.js';
import type { GreenVerdict, RedVerdict } from '../core/evidence.js';
import type { TestReport } from '../core/report.js';
import type { RunStart, RunState } from '../core/state.js';
import { startRun, transition } from '../core/transition.js';
import { evaluateGreen, type GreenInput } from '../../gates/green-gate.js';
import { evaluateRed, type RedInput } from '../../gates/red-gate.js';
import { canonicalJson } from '../journal/canonical.js';
import type { JournalEntry } from '../journal/entry.js';

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
  const start = (entries[0]?.payload as { start: RunStart }).start;
  let t = startRun(start);
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
  for (const entry of entries) {
    const payload = entry.payload as Record<string, unknown>;
    switch (entry.type) {
      case 'effect_intent': {
        const journaled = payload.effect as Effect;
        if (canonicalJson(pending[0]) !== canonicalJson(journaled)) {
          return diverge(entry.seq, 'effect', summarizeEffect(journaled), summarizeEffect(pending[0]));
        }
        break;
      }
      case 'gate_verdict': {
        if (state.baseline === null) break;
        const inputs = payload.inputs as Record<string, unknown> | undefined;
        if (inputs === undefined) break;
        const journaled = payload.verdict as RedVerdict | GreenVerdict;
        const now =
          payload.gate === 'RED'
            ? gates.red({
                baseline: state.baseline,
                report: loadReport(inputs.reportSha as string),
                reportSha: inputs.reportSha as string,
                patchedFiles: inputs.patchedFiles as string[],
                assertions: inputs.assertions as Record<string, number>,
                ...(inputs.stubbed !== undefined
                  ? { stubbed: inputs.stubbed as { ids: string[]; names: string[] } }
                  : {}),
                ...(inputs.unrelated !== undefined
                  ? { unrelated: inputs.unrelated as Record<string, string> }
                  : {}),
              })
            : gates.green({
                baseline: state.baseline,
                newTestIds: inputs.newTestIds as string[],
                lockedChanged: inputs.lockedChanged as string[],
                targeted: loadReport(inputs.targetedSha as string),
                full: inputs.fullSha === null ? null : loadReport(inputs.fullSha as string),
                reportSha: (inputs.fullSha ?? inputs.targetedSha) as string,
              });
        decisions += 1;
        if (verdictKey(now) !== verdictKey(journaled)) {
          return diverge(
            entry.seq,
            'gate',
            `${String(payload.gate)} ${verdictKey(journaled)}`,
            `${String(payload.gate)} ${verdictKey(now)}`,
          );
        }
        break;
      }
      case 'effect_result':
      case 'external_event':
        t = transition(state, payload.event as RunEvent);
        state = t.state;
        pending = t.effects;
        decisions += 1;
        break;
      case 'transition':
        if (payload.to !== state.phase) return diverge(entry.seq, 'phase', String(payload.to), state.phase);
        break;
      default:
        break;
    }
  }
  return { ok: true, events: entries.length, decisions, finalPhase: state.phase, divergence: null };
}
