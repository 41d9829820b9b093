import type { Effect, RunEvent } from '../core/events.js';
import type { GreenVerdict, PatchRef, ReviewEvidence } from '../core/evidence.js';
import type { RunState } from '../core/state.js';
import type { Config } from '../policy/config-schema.js';
import type { PathKind } from '../policy/path-kinds.js';
import type { ModelProvider } from '../model/provider.js';
import type { JournalEntry } from '../journal/entry.js';
import type { checkWritePaths } from '../../sandbox/path-guard.js';
import type { Failpoint } from './failpoints.js';

/** Facts fixed when a run starts; journaled in `run_started` so resume and replay see the same ones. */
export interface RunContext {
  runId: string;
  task: string;
  repoRoot: string;
  worktree: string;
  runDir: string;
  baseSha: string;
  /** ISO time of the run's start; also the date of its commit, so a redone commit has the same SHA. */
  startedAt: string;
  identity: { name: string; email: string };
  config: Config;
  /** Dependency dirs linked into the worktree; kept by resets, excluded from snapshots. */
  depLinks: string[];
  readOnlyBinds: Array<{ from: string; to: string }>;
}

/** What a reviewer sees, and what an approval binds to (`patch.sha`). */
export type ReviewRequest = {
  runId: string;
  task: string;
  patch: PatchRef;
  green: GreenVerdict;
  /** Why this patch is shown again: the reviewer's edit was refused or failed GREEN. */
  notice?: string;
} & ReviewEvidence;

export interface ReviewDecision {
  /** `edit`: `diff` is the reviewer's version of the fix; it goes through scope, apply and GREEN again. */
  decision: 'approve' | 'reject' | 'quit' | 'edit';
  by: string;
  reason?: string;
  diff?: string;
}

/** Decides about a GREEN patch: a person at a terminal, or a policy in CI. */
export interface Approver {
  review(request: ReviewRequest): Promise<ReviewDecision>;
}

/** Receives what happens, for the terminal or `--json`; never decides anything. */
export interface ProgressSink {
  entry(entry: JournalEntry): void;
  effectStarted(effect: Effect, state: RunState): void;
  transitioned(from: RunState, to: RunState, event: RunEvent): void;
  note(message: string): void;
}

/** Appends one journal event (durably) and returns it. */
export interface JournalSink {
  append(input: { type: string; phase: string; opKey?: string; payload: unknown }): Promise<JournalEntry>;
}

export interface RunDeps {
  model: ModelProvider;
  approver: Approver;
  askUser: (question: string) => Promise<string>;
  progress: ProgressSink;
  journal: JournalSink;
  /** True once the user asked to stop (Ctrl-C); the driver stops at the next boundary. */
  stopRequested: () => boolean;
  /** Named failpoints for crash tests; inert unless AGENTCTL_FAILPOINT names one. */
  failpoint: (name: Failpoint) => Promise<void>;
  classify: (path: string) => PathKind;
  /** Wall time the run has used across all its sessions, from a monotonic clock. */
  elapsedMs: () => number;
  /** The trust mechanisms of docs/security.md; always `REAL_TRUST` (trust.ts) outside `agentctl eval --sabotage`. */
  trust: TrustMechanisms;
  /** Only for `agentctl eval --sabotage`, which proves the eval notices a disabled gate; absent otherwise. */
  effectHook?: EffectHook;
}

/**
 * The mechanisms that keep hostile proposals and tests from changing what is judged, committed or sent, passed in so
 * the eval's self-test can swap one for a weaker one and show its scenarios notice. The product has no switch.
 */
export interface TrustMechanisms {
  /** What a sandboxed test run sees read-only beyond the host view (sandbox/host-view.ts): dependency folders. */
  testBinds: (ctx: RunContext) => Array<{ from: string; to: string }>;
  /** The path guard every proposed path passes (sandbox/path-guard.ts). */
  guardPaths: typeof checkWritePaths;
  /** The one encoder repository text reaches the model through (src/core/data-block.ts). */
  encodeData: (source: string, body: string) => string;
  /** Makes the worktree hold exactly `tree` around a test run; returns the paths that differed. */
  restoreTree: (ctx: RunContext, tree: string) => Promise<string[]>;
  /** The tree COMMIT commits, given the tree GREEN tested. */
  treeToCommit: (ctx: RunContext, tested: string) => Promise<string>;
}

/** Wraps one effect's execution: adjust the deps it runs with, or rewrite the event it produced. */
export interface EffectHook {
  deps?: (effect: Effect, deps: RunDeps) => RunDeps;
  event?: (effect: Effect, event: RunEvent) => RunEvent;
}
