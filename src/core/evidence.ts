import type { FailureClass } from './report.js';

/** A patch as the runtime accepted it: its canonical diff and the diff's sha256 (the patch identity). */
export interface PatchRef {
  sha: string;
  diff: string;
  files: string[];
  summary: string;
  /** Lines added plus lines removed, for approval policy. */
  changedLines: number;
  /** The git tree agentctl built with this patch applied: what the gates ran on and what COMMIT commits. */
  tree?: string;
  /** A test patch's stated reason for changing existing tests (propose_test's `changedExpectations`). */
  reason?: string;
}

/** One test failure kept as evidence. */
export interface FailureNote {
  id: string;
  class: FailureClass;
  message: string;
  /** `src/calc.js:7`: the innermost frame in production code the failure came through, when the stack shows one. */
  at?: string;
}

/** An existing test whose body a test patch changed: its changed assertion lines, base → patch. */
export interface ChangedExpectation {
  id: string;
  old: string[];
  new: string[];
}

/** Outcome of the RED gate. */
export interface RedVerdict {
  ok: boolean;
  /** `red` when ok; otherwise why the test was refused. */
  reason:
    | 'red'
    | 'passes'
    | 'wrong_reason'
    | 'no_new_tests'
    | 'no_assertions'
    | 'broke_existing'
    | 'expectation_unnamed'
    | 'expectations_locked'
    | 'run_failed';
  message: string;
  /** The tests that count as RED evidence: new tests and existing tests whose expectation changed. */
  newTestIds: string[];
  failures: FailureNote[];
  reportSha: string;
  /** Existing tests the test patch changed, old → new; absent when it changed none. */
  changedExpectations?: ChangedExpectation[];
}

/** What LOCK froze. */
export interface LockRecord {
  /** repo-relative path → sha256 of content ("" key for package.json scripts). */
  hashes: Record<string, string>;
  testIds: string[];
  assertionCounts: Record<string, number>;
  /** git tree of the worktree right after the test patch; each fix starts from it. */
  tree: string;
}

/** Outcome of the GREEN gate. */
export interface GreenVerdict {
  ok: boolean;
  reason:
    | 'green'
    | 'new_tests_fail'
    | 'suite_fails'
    | 'tests_lost'
    | 'skip_added'
    | 'locked_changed'
    | 'run_failed';
  message: string;
  failures: FailureNote[];
  reportSha: string;
  /** Locked files the fix touched; the runtime reverted them. */
  reverted: string[];
  /** Tests that were already failing before the run and still fail; reported, not blamed on the fix. */
  preexistingFailures: string[];
}

/** One file of a proposed non-behavioral change and how it was judged. */
export interface ChangedFileNote {
  path: string;
  /** Why, in a few words: "not code", "comments, formatting or types only", "runtime syntax changed"… */
  reason: string;
}

/** Outcome of the non-behavioral gate on a `propose_change`, before the suite runs. */
export interface ChangeVerdict {
  ok: boolean;
  /** `non_behavioral` when ok; otherwise the rule the first offending file broke. */
  reason: 'non_behavioral' | 'behavior_change' | 'tests_locked';
  message: string;
  /** Every changed file with its judgement; when refused, the offending file comes first. */
  files: ChangedFileNote[];
}

/** What a patch under review earned: RED (a test patch and its verdict), or a non-behavioral verdict instead. */
export type ReviewEvidence = { testPatch: PatchRef; red: RedVerdict } | { change: ChangeVerdict };

/** A failed attempt, kept for the evidence bundle and fed back to the model. */
export interface AttemptRecord {
  n: number;
  phase: 'ORIENT' | 'AUTHOR_TEST' | 'VERIFY_RED' | 'AUTHOR_FIX' | 'VERIFY_GREEN' | 'VERIFY_CHANGE' | 'REVIEW';
  kind: 'refused' | 'malformed' | 'scope' | 'red_failed' | 'green_failed' | 'change_refused' | 'rejected';
  reason: string;
  patch?: PatchRef;
  failures?: FailureNote[];
  reportSha?: string;
}

/** An error the baseline run had outside any test: a file that failed to load, or the run itself. */
export interface BaselineError {
  /** Repo-relative file, or '' for the run as a whole. */
  file: string;
  class: FailureClass;
  message: string;
}

/** Summary of the suite before any change. */
export interface BaselineSummary {
  testIds: string[];
  failing: string[];
  skipped: string[];
  reportSha: string;
  collectionErrors: number;
  /**
   * The collection and run-level errors present before any change; the gates hold them aside rather than
   * charge them to a proposal. Absent in journals written before it existed.
   */
  errors?: BaselineError[];
}
