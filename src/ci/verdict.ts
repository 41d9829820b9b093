import type { ClassifiedChange } from '../../gates/behavior-change.js';

/** The checks `ci check` runs, in report order. */
export type CheckId = 'behavior' | 'evidence' | 'integrity' | 'runner_env' | 'suite';

/** What a finding is about; also its SARIF rule id. */
export type RuleId =
  | 'no_test_evidence'
  | 'test_wrong_reason'
  | 'test_passes_on_base'
  | 'test_no_assertions'
  | 'test_not_collected'
  | 'test_fails_on_head'
  | 'test_deleted'
  | 'test_skipped'
  | 'assertions_removed'
  | 'expectation_changed'
  | 'tests_lost'
  | 'runner_env'
  | 'suite_fails';

/** One reason the check fails, located at a file (and line, and test) where it can be. */
export interface Finding {
  check: CheckId;
  rule: RuleId;
  message: string;
  file?: string;
  line?: number;
  testId?: string;
}

/** The outcome of one check. */
export interface CheckResult {
  id: CheckId;
  title: string;
  status: 'pass' | 'fail' | 'skipped';
  summary: string;
}

/** What one new or changed test showed: its failure on base (with stubs, if any) and its state on head. */
export interface TestEvidence {
  id: string;
  file: string;
  /** RED on base and passing on head: the evidence the rule asks for. */
  counts: boolean;
  /** How it fared on base, in words: "fails by assertion: …", "passes on base"… */
  onBase: string;
  onHead: 'passed' | 'failed' | 'skipped' | 'todo' | 'not run';
  /** `module#name` of symbols stubbed on base so the test could reach its assertions. */
  stubbed: string[];
  /** For an existing test the pull request rewrote: its changed assertion lines, base → head. */
  changedExpectation?: { old: string[]; new: string[] };
}

/** A suite run that proves nothing, with the runner's own last words, for the report and --json. */
export interface RunnerOutput {
  side: 'base' | 'head';
  message: string;
  outputTail: string;
}

/** The structured verdict of `agentctl ci check` (what --json prints). */
export interface CiVerdict {
  ok: boolean;
  base: string;
  head: string;
  /** Where the pull request forked from base; its production code is what RED runs against. */
  mergeBase: string;
  changes: ClassifiedChange[];
  checks: CheckResult[];
  findings: Finding[];
  evidence: TestEvidence[];
  /** Whether the suites ran inside bubblewrap; null when no suite ran. */
  sandboxed?: boolean | null;
  /** Not failures: an unsandboxed run, test changes allowed by --allow-test-changes… */
  notes: string[];
  /** Suite runs that gave no usable report or collected no tests, with the tail of the runner's output. */
  runnerOutput?: RunnerOutput[];
}

/** Rule descriptions, for SARIF and the report's legend. */
export const RULES: Record<RuleId, string> = {
  no_test_evidence: 'A behavior change needs a new or changed test that fails on base and passes on head',
  test_wrong_reason:
    'A new test must fail on base by assertion, not-implemented or a crash in production code',
  test_passes_on_base: 'A new test that passes on base does not constrain the change',
  test_no_assertions: 'A new test must assert something',
  test_not_collected: 'A new test must be collected by the test runner',
  test_fails_on_head: 'The new test must pass on head',
  test_deleted: 'Tests may not be deleted',
  test_skipped: 'Tests may not become skipped, focused (.only) or todo',
  assertions_removed: 'Tests may not lose assertions',
  expectation_changed:
    "Existing tests' expectations may not change while tests.allowChangedExpectations is false",
  tests_lost: 'The set of collected tests may not shrink',
  runner_env:
    "Production code may not read the test runner's environment or globals, or patch assertions or module loading",
  suite_fails: 'The full suite must pass on head',
};
