import type { Effect, RunEvent } from '../core/events.js';
import type { PatchRef } from '../core/evidence.js';
import { isTerminal, type Phase } from '../core/phases.js';
import type { RunState } from '../core/state.js';
import type { JournalEntry } from '../journal/entry.js';
import type { ProgressSink } from '../runtime/context.js';
import type { Tone } from './theme.js';

/** One line of the REPL's scrollback. */
export interface LogLine {
  id: number;
  text: string;
  tone: Tone;
}

/** Model usage counted as responses arrive, ahead of the state's own tally (which moves per turn). */
export interface LiveUsage {
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** What the REPL shows about the run in progress; built only from runtime callbacks. */
export interface RunView {
  runId: string | null;
  task: string;
  phase: Phase;
  /** Phases entered so far, in first-entered order, for the timeline. */
  visited: Phase[];
  /** The effect being performed, for the spinner and its elapsed time. */
  step: { label: string; startedAt: number } | null;
  live: LiveUsage;
  /** The latest state the runtime reported; /budget and /status read it. */
  state: RunState | null;
  lastPatch: PatchRef | null;
}

/** A run view before the runtime has said anything. */
export function newRunView(task: string): RunView {
  return {
    runId: null,
    task,
    phase: 'ORIENT',
    visited: [],
    step: null,
    live: { turns: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    state: null,
    lastPatch: null,
  };
}

const EFFECT_LABEL: Record<Effect['kind'], string> = {
  run_baseline: 'running the full suite for the baseline',
  ask_model: 'asking the model',
  apply_patch: 'validating and applying the proposal',
  verify_red: 'running the new tests on unchanged code (RED gate)',
  lock_tests: 'locking tests by hash',
  verify_green: 'running the new tests, then the full suite (GREEN gate)',
  verify_change: 'checking the change is non-behavioral, then running the full suite',
  request_review: 'waiting for your review',
  ask_user: 'the model asks you a question',
  commit: 'committing on the run branch',
  finish: 'saving the evidence',
  publish_push: 'pushing the run branch',
  publish_pull: 'opening a pull request',
  publish_comment: 'commenting on the issue or pull request',
};

/** Where the progress sink sends what it learns. */
export interface RunViewTarget {
  update(fn: (view: RunView) => RunView): void;
  print(text: string, tone: Tone): void;
  now(): number;
}

/** Scrollback lines for one transition: gate verdicts, applied patches, failed attempts, phase changes. */
export function linesFor(from: RunState, to: RunState, event: RunEvent): Array<[string, Tone]> {
  const out: Array<[string, Tone]> = [];
  if (event.type === 'red_checked' || event.type === 'green_checked') {
    const gate = event.type === 'red_checked' ? 'RED' : 'GREEN';
    out.push(
      event.verdict.ok
        ? [`  ✓ ${event.verdict.message}`, 'ok']
        : [`  ✗ ${gate} refused: ${event.verdict.message}`, 'error'],
    );
  }
  if (event.type === 'patch_applied')
    out.push([
      `  ✓ ${event.patchKind} patch ${event.patch.sha.slice(0, 12)}: ${event.patch.files.join(', ')}`,
      'plain',
    ]);
  if (to.attempts > from.attempts) {
    const last = to.history[to.history.length - 1];
    if (last !== undefined)
      out.push([`  ✗ attempt ${last.n}/${to.maxAttempts} failed (${last.kind}): ${last.reason}`, 'warn']);
  }
  if (event.type === 'review_decided')
    out.push([
      `  review: ${event.decision} by ${event.by}${event.reason ? ` (${event.reason})` : ''}`,
      'plain',
    ]);
  if (to.phase !== from.phase || to.step === 0) out.push([`▸ ${to.phase}`, 'accent']);
  return out;
}

/** The view moved to `state`: its phase, the phases seen, and usage no lower than the state's own tally. */
function at(v: RunView, state: RunState): RunView {
  const u = state.usage;
  return {
    ...v,
    state,
    phase: state.phase,
    visited: v.visited.includes(state.phase) ? v.visited : [...v.visited, state.phase],
    live: {
      turns: Math.max(v.live.turns, u.turns),
      inputTokens: Math.max(v.live.inputTokens, u.inputTokens),
      outputTokens: Math.max(v.live.outputTokens, u.outputTokens),
      costUsd: Math.max(v.live.costUsd, u.costUsd),
    },
  };
}

/** A ProgressSink that turns runtime callbacks into RunView updates and scrollback lines; decides nothing. */
export function viewProgress(target: RunViewTarget): ProgressSink {
  return {
    entry: (entry: JournalEntry) => {
      const payload = entry.payload as Record<string, unknown> | null;
      if (entry.type === 'run_started') {
        const start = payload?.start as { runId?: string } | undefined;
        if (typeof start?.runId === 'string') target.update((v) => ({ ...v, runId: start.runId ?? null }));
      }
      if (entry.type === 'model_response') {
        const u = (payload?.usage ?? {}) as Partial<LiveUsage>;
        target.update((v) => ({
          ...v,
          live: {
            turns: v.live.turns + 1,
            inputTokens: v.live.inputTokens + (u.inputTokens ?? 0),
            outputTokens: v.live.outputTokens + (u.outputTokens ?? 0),
            costUsd: v.live.costUsd + (u.costUsd ?? 0),
          },
        }));
      }
    },
    effectStarted: (effect, state) => {
      const startedAt = target.now();
      // A resumed run reports its first effect before any transition; the state says where it is.
      target.update((v) => ({ ...at(v, state), step: { label: EFFECT_LABEL[effect.kind], startedAt } }));
    },
    transitioned: (from, to, event) => {
      for (const [text, tone] of linesFor(from, to, event)) target.print(text, tone);
      target.update((v) => ({
        ...at(v, to),
        step: isTerminal(to.phase) ? null : v.step,
        lastPatch: event.type === 'patch_applied' ? event.patch : v.lastPatch,
      }));
    },
    note: (message) => {
      if (message.startsWith('model: ')) target.print(`  ${message}`, 'model');
      else target.print(`  ${message}`, 'dim');
    },
  };
}
