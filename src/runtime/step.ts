import type { Effect, EffectKind, RunEvent } from '../core/events.js';
import type { RunState } from '../core/state.js';
import { InterruptedError } from '../errors.js';
import type { JournalEntry } from '../journal/entry.js';
import { runEntries } from '../journal/run-entries.js';
import type { RunDeps } from './context.js';
import { opKeyFor } from './op-key.js';

/** What one step of the executor needs: the journal, the failpoints and progress. */
export type StepDeps = Pick<RunDeps, 'journal' | 'failpoint' | 'progress'>;

/** How a step ended: with the event it produced, or cut short by Ctrl-C (its intent stays open, as after a crash). */
export type StepOutcome =
  { opKey: string; event: RunEvent } | { opKey: string; interrupted: { opKey: string; effect: EffectKind } };

/**
 * The one executor every effect goes through, a run's and `ci fix` publishing's alike: the op key from what the
 * effect is, its intent journaled (fdatasync'ed) before it runs, its result after, with the named failpoints
 * between. `perform` carries the effect out and reports what happened as an event.
 */
export async function runStep(
  effect: Effect,
  state: RunState,
  runId: string,
  deps: StepDeps,
  perform: (opKey: string) => Promise<RunEvent>,
): Promise<StepOutcome> {
  const opKey = opKeyFor(runId, state, effect);
  await deps.failpoint('intent:before');
  await deps.journal.append({ type: 'effect_intent', phase: state.phase, opKey, payload: { effect } });
  await deps.failpoint('intent:after');
  deps.progress.effectStarted(effect, state);
  let event: RunEvent;
  try {
    event = await perform(opKey);
  } catch (err) {
    if (err instanceof InterruptedError) return { opKey, interrupted: { opKey, effect: effect.kind } };
    throw err;
  }
  await deps.failpoint('effect:after');
  await deps.journal.append({ type: 'effect_result', phase: state.phase, opKey, payload: { event } });
  await deps.failpoint('result:after');
  return { opKey, event };
}

/** The event an effect with this op key already produced, per the journal, or null when it never finished. */
export function journaledResult(entries: readonly JournalEntry[], opKey: string): RunEvent | null {
  const found = runEntries(entries).findLast((e) => e.type === 'effect_result' && e.opKey === opKey);
  return found?.type === 'effect_result' ? found.payload.event : null;
}
