import type { Effect, RunEvent } from '../core/events.js';
import type { Config } from '../policy/config-schema.js';
import type { RunContext, RunDeps } from '../runtime/context.js';
import type { DriveOutcome } from '../runtime/driver.js';
import { startFix, type SessionOptions } from '../runtime/session.js';

/** Gates `--sabotage` can disable, to prove the eval notices when a gate stops working. */
export const SABOTAGE_GATES = ['red', 'green', 'scope'] as const;
export type SabotageGate = (typeof SABOTAGE_GATES)[number];

/**
 * What each sabotage does to one effect: `deps` may be swapped before it runs, `event` rewritten after.
 * - red: the RED gate accepts any test (a refused verdict is turned into a pass);
 * - green: the GREEN gate accepts any fix;
 * - scope: a fix may touch any file (every path is classified as production code while a fix is applied).
 */
function sabotageDeps(gate: SabotageGate, effect: Effect, deps: RunDeps): RunDeps {
  if (gate === 'scope' && effect.kind === 'apply_patch' && effect.patchKind === 'fix')
    return { ...deps, classify: () => 'production' };
  return deps;
}

function sabotageEvent(gate: SabotageGate, event: RunEvent): RunEvent {
  if (gate === 'red' && event.type === 'red_checked' && !event.verdict.ok)
    return {
      ...event,
      verdict: { ...event.verdict, ok: true, reason: 'red', message: 'sabotaged: RED accepts any test' },
    };
  if (gate === 'green' && event.type === 'green_checked' && !event.verdict.ok)
    return {
      ...event,
      verdict: { ...event.verdict, ok: true, reason: 'green', message: 'sabotaged: GREEN accepts any fix' },
    };
  return event;
}

/** startFix with one gate sabotaged through the runtime's effect hook; everything else is the real run. */
export function sabotagedStartFix(
  cwd: string,
  task: string,
  opts: SessionOptions & { config: Config },
  gate: SabotageGate,
): Promise<DriveOutcome & { ctx: RunContext }> {
  return startFix(cwd, task, {
    ...opts,
    effectHook: {
      deps: (effect, deps) => sabotageDeps(gate, effect, deps),
      event: (_effect, event) => sabotageEvent(gate, event),
    },
  });
}
