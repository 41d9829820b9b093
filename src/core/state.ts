import type { BudgetLimits, BudgetUsage } from './budget.js';
import type {
  AttemptRecord,
  BaselineSummary,
  ChangeVerdict,
  GreenVerdict,
  LockRecord,
  PatchRef,
  RedVerdict,
} from './evidence.js';

/** Fields every phase carries. */
export interface RunCommon {
  runId: string;
  task: string;
  /** Increments on every transition; part of each op key ("position in the machine"). */
  step: number;
  /** Failed attempts so far; the run escalates when it reaches maxAttempts. */
  attempts: number;
  maxAttempts: number;
  limits: BudgetLimits;
  usage: BudgetUsage;
  history: AttemptRecord[];
  /** What the model is told on its next turn (refusals, gate verdicts, user answers). */
  feedback: string[];
  baseline: BaselineSummary | null;
  /** Nobody can answer the model (`--yes`, CI, `--json` without a terminal): ask_user is not offered. */
  unattended?: boolean;
}

interface WithTest {
  testPatch: PatchRef;
}
interface WithRed extends WithTest {
  red: RedVerdict;
}
interface WithLock extends WithRed {
  lock: LockRecord;
}
interface WithFix extends WithLock {
  fixPatch: PatchRef;
}
interface WithGreen extends WithFix {
  green: GreenVerdict;
}

/** A `propose_change` on its way: the patch, applied from the base commit, instead of a test and a fix. */
interface WithChange {
  changePatch: PatchRef;
}
/** A change judged non-behavioral whose full suite passed: what review and commit need instead of RED. */
interface WithChangeGreen extends WithChange {
  change: ChangeVerdict;
  green: GreenVerdict;
}

/**
 * A reviewer's edit of a GREEN fix, on its way through apply and GREEN again. If the edit is refused or fails
 * GREEN, the run returns to REVIEW with the patch it replaced (which was GREEN); the model is not charged for it.
 */
export interface PendingEdit {
  by: string;
  previous: PatchRef;
  previousGreen: GreenVerdict;
}

/** The run, as a discriminated union on `phase`; each phase holds exactly the evidence it has earned. */
export type RunState =
  | (RunCommon & { phase: 'ORIENT' })
  | (RunCommon & { phase: 'AUTHOR_TEST' })
  | (RunCommon & WithTest & { phase: 'VERIFY_RED' })
  | (RunCommon & WithRed & { phase: 'LOCK' })
  | (RunCommon & WithLock & { phase: 'AUTHOR_FIX'; edit?: PendingEdit })
  | (RunCommon & WithFix & { phase: 'VERIFY_GREEN'; edit?: PendingEdit })
  | (RunCommon & WithChange & { phase: 'VERIFY_CHANGE' })
  | (RunCommon & WithGreen & { phase: 'REVIEW' })
  | (RunCommon & WithChangeGreen & { phase: 'REVIEW' })
  | (RunCommon & WithGreen & { phase: 'COMMIT'; approvedBy: string })
  | (RunCommon & WithChangeGreen & { phase: 'COMMIT'; approvedBy: string })
  | (RunCommon & WithGreen & { phase: 'DONE'; commit: { sha: string; branch: string } })
  | (RunCommon & WithChangeGreen & { phase: 'DONE'; commit: { sha: string; branch: string } })
  | (RunCommon & { phase: 'ESCALATED'; reason: string })
  | (RunCommon & {
      phase: 'BUDGET_EXHAUSTED';
      reason: string;
      resumeFrom: ResumablePhase;
      suspended: AuthoringState;
    })
  | (RunCommon & { phase: 'ABORTED'; reason: string })
  | (RunCommon & { phase: 'FAILED'; reason: string; cause: FailureCause });

/** Why a run could not go on: the environment (no test runner), the model (unavailable), or a bug. */
export type FailureCause = 'environment' | 'model' | 'internal';

export type ResumablePhase = 'ORIENT' | 'AUTHOR_TEST' | 'AUTHOR_FIX';
/** The phases in which the model is asked; a run whose budget runs out is suspended in one of them. */
export type AuthoringState = Extract<RunState, { phase: ResumablePhase }>;
export type StateOf<P extends RunState['phase']> = Extract<RunState, { phase: P }>;

/** Everything needed to start a run; journaled as the first event. */
export interface RunStart {
  runId: string;
  task: string;
  maxAttempts: number;
  limits: BudgetLimits;
  /** See RunCommon.unattended; absent in journals written before it existed (attended). */
  unattended?: boolean;
}

/** The state a run begins in. */
export function initialState(start: RunStart): RunState {
  return {
    phase: 'ORIENT',
    runId: start.runId,
    task: start.task,
    step: 0,
    attempts: 0,
    maxAttempts: start.maxAttempts,
    limits: start.limits,
    usage: { turns: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, wallMs: 0 },
    history: [],
    feedback: [],
    baseline: null,
    ...(start.unattended === true ? { unattended: true } : {}),
  };
}
