import type { Effect } from '../core/events.js';
import type { RunState } from '../core/state.js';
import { transition } from '../core/transition.js';
import type { RunContext, RunDeps } from './context.js';
import { executeEffect } from './execute.js';
import { runStep } from './step.js';
import type { ReportMemory } from './verify.js';

/** Why the driver returned: the run ended, or it paused at a durable boundary (resumable). */
export type DriveOutcome = { state: RunState; paused: null | 'interrupted' | 'awaiting_review' };

/**
 * Executes effects one at a time through runStep (intent journaled and fdatasync'ed before the effect, result
 * after it), then the pure transition decides the next effect. A crash anywhere leaves a journal that resume can fold.
 */
export async function drive(
  state0: RunState,
  pending0: Effect[],
  ctx: RunContext,
  deps: RunDeps,
): Promise<DriveOutcome> {
  let state = state0;
  const pending = [...pending0];
  const memory: ReportMemory = { last: null };
  while (pending.length > 0) {
    if (deps.stopRequested()) return interrupted(state, deps, null);
    const effect = pending.shift()!;
    const hook = deps.effectHook;
    const step = await runStep(effect, state, ctx.runId, deps, async (opKey) => {
      const raw = await executeEffect(effect, state, ctx, hook?.deps?.(effect, deps) ?? deps, opKey, memory);
      return hook?.event?.(effect, raw) ?? raw;
    });
    // Ctrl-C killed the effect's command: its intent stays open, exactly as after a crash, and resume redoes it.
    if ('interrupted' in step) return interrupted(state, deps, step.interrupted);
    const { event } = step;
    const next = transition(state, event);
    if (next.state !== state) {
      await deps.journal.append({
        type: 'transition',
        phase: next.state.phase,
        payload: {
          from: state.phase,
          to: next.state.phase,
          step: next.state.step,
          attempts: next.state.attempts,
          effects: next.effects.map((e) => e.kind),
        },
      });
      deps.progress.transitioned(state, next.state, event);
    }
    state = next.state;
    pending.push(...next.effects);
    if (state.phase === 'REVIEW' && pending.length === 0) {
      await deps.journal.append({
        type: 'checkpoint',
        phase: state.phase,
        payload: { reason: 'awaiting_review', step: state.step },
      });
      return { state, paused: 'awaiting_review' };
    }
  }
  return { state, paused: null };
}

/** Journals where the user stopped the run (and the effect cut short, if any) and pauses it, resumable. */
async function interrupted(
  state: RunState,
  deps: RunDeps,
  cutShort: { opKey: string; effect: Effect['kind'] } | null,
): Promise<DriveOutcome> {
  await deps.journal.append({
    type: 'checkpoint',
    phase: state.phase,
    payload: { reason: 'interrupted', step: state.step, ...(cutShort === null ? {} : { cutShort }) },
  });
  return { state, paused: 'interrupted' };
}
