import type { Effect, RunEvent } from '../core/events.js';
import type { Config } from '../policy/config-schema.js';
import type { RunContext, RunDeps, TrustMechanisms } from '../runtime/context.js';
import type { DriveOutcome } from '../runtime/driver.js';
import { startFix, type SessionOptions } from '../runtime/session.js';
import type { JournalChecks } from '../journal/trust-checks.js';
import { fixedTagBlock, stagedFromDisk, unnamedRulesGuard } from './weak-mechanisms.js';

/**
 * What `--sabotage` can break, to prove the eval notices when it stops working: three gates, and the trust
 * mechanisms of docs/security.md, each swapped for a weaker one through the runtime's injection points.
 */
export const SABOTAGE_GATES = [
  'red',
  'green',
  'scope',
  'sandbox',
  'tree',
  'guard',
  'data',
  'journal',
] as const;
export type SabotageGate = (typeof SABOTAGE_GATES)[number];

/** One line per sabotage, for `--help` and the self-test banner. */
export const SABOTAGE_HELP: Record<SabotageGate, string> = {
  red: 'RED accepts any test',
  green: 'GREEN accepts any fix',
  scope: 'a fix may touch test files',
  sandbox: "the test sandbox also shows the user's checkout (its .git/config included), read-only",
  tree: 'no restore of the worktree around test runs; COMMIT commits what `git add -A` stages from disk',
  guard: 'the path guard without its control-character and unsafe-name rules',
  data: 'repository data wrapped in a fixed <repo-data> tag that its content can close',
  journal:
    'a journal reader that takes a bad complete line for a torn tail, and audit without the branch check',
};

/** The journal checks `--sabotage journal` puts in force around a scenario's commands. */
export const WEAK_JOURNAL_CHECKS: JournalChecks = { badLine: 'torn', branchCrossCheck: false };

/** The trust mechanisms each sabotage weakens; the others stay real. */
function weakTrust(gate: SabotageGate, trust: TrustMechanisms): TrustMechanisms {
  switch (gate) {
    case 'sandbox':
      return {
        ...trust,
        testBinds: (ctx) => [...trust.testBinds(ctx), { from: ctx.repoRoot, to: ctx.repoRoot }],
      };
    case 'tree':
      return { ...trust, restoreTree: () => Promise.resolve([]), treeToCommit: (ctx) => stagedFromDisk(ctx) };
    case 'guard':
      return { ...trust, guardPaths: unnamedRulesGuard };
    case 'data':
      return { ...trust, encodeData: fixedTagBlock };
    case 'red':
    case 'green':
    case 'scope':
    case 'journal':
      return trust;
    default: {
      const never: never = gate;
      return never;
    }
  }
}

/**
 * What each sabotage does to one effect: `deps` may be swapped before it runs, `event` rewritten after.
 * - red: the RED gate accepts any test (a refused verdict is turned into a pass);
 * - green: the GREEN gate accepts any fix;
 * - scope: a fix may touch any file (every path is classified as production code while a fix is applied);
 * - sandbox, tree, guard, data: the trust mechanism is swapped for the weaker one of `weakTrust`.
 */
function sabotageDeps(gate: SabotageGate, effect: Effect, deps: RunDeps): RunDeps {
  if (gate === 'scope' && effect.kind === 'apply_patch' && effect.patchKind === 'fix')
    return { ...deps, classify: () => 'production' };
  return { ...deps, trust: weakTrust(gate, deps.trust) };
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

/**
 * startFix with one gate or mechanism sabotaged through the runtime's effect hook; everything else is the real
 * run. `journal` changes nothing here: it weakens the commands a scenario runs on the finished run's journal
 * (run-scenario.ts).
 */
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
