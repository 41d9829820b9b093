import type { BudgetLimits, BudgetUsage } from './budget.js';
import type {
  BaselineSummary,
  ChangeVerdict,
  GreenVerdict,
  LockRecord,
  PatchRef,
  RedVerdict,
  ReviewEvidence,
} from './evidence.js';
import type { Phase, TerminalPhase } from './phases.js';
import type { ModelTurn, ProposeChangeInput, ProposeFixInput, ProposeTestInput } from './proposals.js';

/** What a patch is for: a test (RED path), a fix (after RED), or a change that claims no behavior changes. */
export type PatchKind = 'test' | 'fix' | 'change';

/** What the runtime observed; the only input of `transition`. */
export type RunEvent =
  | { type: 'baseline_ran'; baseline: BaselineSummary }
  | { type: 'baseline_failed'; message: string }
  | { type: 'model_turn'; turn: ModelTurn; usage: Partial<BudgetUsage> }
  | { type: 'model_failed'; message: string; retryable: boolean }
  | { type: 'patch_applied'; patchKind: PatchKind; patch: PatchRef }
  | { type: 'patch_refused'; patchKind: PatchKind; rule: string; message: string; patch?: PatchRef }
  | { type: 'red_checked'; verdict: RedVerdict }
  | { type: 'tests_locked'; lock: LockRecord }
  | { type: 'green_checked'; verdict: GreenVerdict }
  /** A `propose_change` judged: the non-behavioral verdict, and the full suite's GREEN verdict when it was run. */
  | { type: 'change_checked'; change: ChangeVerdict; green: GreenVerdict | null }
  | {
      type: 'review_decided';
      /** `edit`: the reviewer changed the fix; `diff` is their version, which must pass the gates again. */
      decision: 'approve' | 'reject' | 'quit' | 'edit';
      patchSha: string;
      by: string;
      reason?: string;
      diff?: string;
    }
  | { type: 'user_answered'; answer: string }
  | { type: 'committed'; sha: string; branch: string }
  | { type: 'finished' }
  | { type: 'aborted'; reason: string }
  /** `agentctl resume --budget …` on a BUDGET_EXHAUSTED run: new limits, same run. */
  | { type: 'budget_extended'; limits: BudgetLimits }
  /** `ci fix` publishing (after the run ended or paused for review): reports to the world, changes no state. */
  | {
      type: 'pushed';
      remote: string;
      branch: string;
      sha: string;
      result: 'pushed' | 'up_to_date' | 'replaced';
    }
  | { type: 'pull_request_opened'; number: number; url: string; created: boolean }
  | { type: 'commented'; id: number; url: string; created: boolean; bodySha: string };

/** The events of `ci fix` publishing; the machine's state does not depend on them. */
export type PublishEvent = Extract<RunEvent, { type: 'pushed' | 'pull_request_opened' | 'commented' }>;

/** True for an event of `ci fix` publishing, which reports a stopped run and decides nothing. */
export function isPublishEvent(event: RunEvent): event is PublishEvent {
  return event.type === 'pushed' || event.type === 'pull_request_opened' || event.type === 'commented';
}

/** What the runtime must do next; plain data, executed by src/runtime. */
export type Effect =
  | { kind: 'run_baseline' }
  | { kind: 'ask_model'; phase: Phase; feedback: string[] }
  | {
      kind: 'apply_patch';
      patchKind: 'test';
      input: ProposeTestInput;
      /** Each test proposal starts from the base commit. */
      resetTo: 'base';
    }
  | {
      kind: 'apply_patch';
      patchKind: 'fix';
      input: ProposeFixInput;
      /** Each fix starts from the locked tree, so a failed attempt leaves nothing behind. */
      resetTo: string;
    }
  | {
      kind: 'apply_patch';
      patchKind: 'change';
      input: ProposeChangeInput;
      /** A non-behavioral change replaces the RED path, so it starts from the base commit like a test. */
      resetTo: 'base';
    }
  | { kind: 'verify_red'; patch: PatchRef }
  | { kind: 'lock_tests'; patch: PatchRef }
  | { kind: 'verify_green'; lock: LockRecord; newTestIds: string[]; fix: PatchRef }
  | { kind: 'verify_change'; patch: PatchRef }
  | ({
      kind: 'request_review';
      patch: PatchRef;
      green: GreenVerdict;
      /** Why the reviewer sees this patch again (their edit was refused or failed GREEN). */
      notice?: string;
    } & ReviewEvidence)
  | { kind: 'ask_user'; question: string }
  | {
      kind: 'commit';
      testPatch: PatchRef;
      fixPatch: PatchRef;
      red: RedVerdict;
      green: GreenVerdict;
      approvedBy: string;
    }
  | {
      kind: 'commit';
      /** A non-behavioral change: committed with the suite's GREEN and its verdict, no RED. */
      changePatch: PatchRef;
      change: ChangeVerdict;
      green: GreenVerdict;
      approvedBy: string;
    }
  | { kind: 'finish'; outcome: TerminalPhase; reason: string }
  /** `ci fix` publishing, run by src/ci/publish.ts through the same step executor once the machine stopped. */
  | { kind: 'publish_push'; remote: string; branch: string; sha: string }
  | { kind: 'publish_pull'; repo: string; head: string; base: string; title: string; closes: number | null }
  | { kind: 'publish_comment'; repo: string; target: number; bodySha: string };

/** The effects of `ci fix` publishing. */
export type PublishEffect = Extract<Effect, { kind: 'publish_push' | 'publish_pull' | 'publish_comment' }>;

/** True for a publishing effect: run after the machine stopped, never asked for by `transition`. */
export function isPublishEffect(effect: Effect): effect is PublishEffect {
  return (
    effect.kind === 'publish_push' || effect.kind === 'publish_pull' || effect.kind === 'publish_comment'
  );
}

export type EffectKind = Effect['kind'];

/** How an effect whose intent was journaled but not its result is handled on resume. */
export interface EffectSpec {
  /**
   * `redo`: running it again is harmless (it reads, or rebuilds the same state from the journal's inputs).
   * `reconcile`: it changes the world, so it is keyed by its op key and must check what a first run already did
   * (the patched tree, the commit's `Agentctl-Op` trailer, the ref compare-and-swap) before acting again.
   */
  onResume: 'redo' | 'reconcile';
}

/** Every effect kind and how resume treats it; an effect kind without an entry does not compile. */
export const EFFECTS = {
  run_baseline: { onResume: 'redo' },
  ask_model: { onResume: 'redo' },
  apply_patch: { onResume: 'reconcile' },
  verify_red: { onResume: 'reconcile' },
  lock_tests: { onResume: 'redo' },
  verify_green: { onResume: 'reconcile' },
  verify_change: { onResume: 'reconcile' },
  request_review: { onResume: 'redo' },
  ask_user: { onResume: 'redo' },
  commit: { onResume: 'reconcile' },
  finish: { onResume: 'redo' },
  // The remote tip, the pull request for the branch and the comment's marker are looked up before acting.
  publish_push: { onResume: 'reconcile' },
  publish_pull: { onResume: 'reconcile' },
  publish_comment: { onResume: 'reconcile' },
} as const satisfies Record<EffectKind, EffectSpec>;
