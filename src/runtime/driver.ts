import type { Effect, RunEvent } from '../core/events.js';
import type { RunState } from '../core/state.js';
import { InterruptedError } from '../errors.js';
import { transition } from '../core/transition.js';
import type { RunContext, RunDeps } from './context.js';
import { executeEffect } from './execute.js';
import { opKeyFor } from './op-key.js';
import type { ReportMemory } from './verify.js';

/** Why the driver returned: the run ended, or it paused at a durable boundary (resumable). */
export type DriveOutcome = { state: RunState; paused: null | 'interrupted' | 'awaiting_review' };

/**
 * Executes effects one at a time: intent journaled (fdatasync'ed) before the effect, result after it, then the
 * pure transition decides the next effect. A crash anywhere leaves a journal that resume can fold.
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
    const opKey = opKeyFor(ctx.runId, state, effect);
    await deps.failpoint('intent:before');
    await deps.journal.append({ type: 'effect_intent', phase: state.phase, opKey, payload: { effect } });
    await deps.failpoint('intent:after');
    deps.progress.effectStarted(effect, state);
    const hook = deps.effectHook;
    let raw: RunEvent;
    try {
      raw = await executeEffect(effect, state, ctx, hook?.deps?.(effect, deps) ?? deps, opKey, memory);
    } catch (err) {
      // Ctrl-C killed the effect's command: its intent stays open, exactly as after a crash, and resume redoes it.
      if (err instanceof InterruptedError) return interrupted(state, deps, { opKey, effect: effect.kind });
      throw err;
    }
    const event = hook?.event?.(effect, raw) ?? raw;
    await deps.failpoint('effect:after');
    await deps.journal.append({ type: 'effect_result', phase: state.phase, opKey, payload: { event } });
    await deps.failpoint('result:after');
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
