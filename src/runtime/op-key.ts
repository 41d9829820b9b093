import { canonicalJson } from '../journal/canonical.js';
import { sha256Hex } from '../journal/hash.js';
import type { Effect } from '../core/events.js';
import type { RunState } from '../core/state.js';

/** op_key = sha256(run id, position in the machine, attempt, kind, canonical input): what it is, never when. */
export function opKeyFor(runId: string, state: RunState, effect: Effect): string {
  return sha256Hex(
    canonicalJson({ runId, step: state.step, attempt: state.attempts, kind: effect.kind, input: effect }),
  );
}
