import type { BaselineError, BaselineSummary } from '../../src/core/evidence.js';
import type {
  CollectionError,
  FailureClass,
  RunProblem,
  TestCase,
  TestReport,
} from '../../src/core/report.js';

/** A test case: `state` plus, for a failure, its class and message. */
export function t(id: string, state: TestCase['state'], failure?: [FailureClass, string]): TestCase {
  const file = id.split(' > ')[0] ?? '';
  const test: TestCase = { id, file, name: id.split(' > ').slice(1).join(' > '), state, durationMs: 1 };
  if (failure !== undefined) test.failure = { class: failure[0], message: failure[1] };
  return test;
}

/** A report of these tests and errors, as an adapter would build it. */
export function report(
  tests: TestCase[],
  collectionErrors: CollectionError[] = [],
  extra: { problem?: RunProblem; timedOut?: boolean } = {},
): TestReport {
  return {
    runner: 'vitest',
    exitCode: tests.some((x) => x.state === 'failed') || collectionErrors.length > 0 ? 1 : 0,
    interrupted: false,
    timedOut: extra.timedOut ?? false,
    collectionErrors: extra.problem
      ? [...collectionErrors, { file: '', class: 'unknown', message: extra.problem.message }]
      : collectionErrors,
    tests,
    durationMs: 10,
    outputTail: '',
    ...(extra.problem ? { problem: extra.problem } : {}),
  };
}

/** A baseline summary of a report, with the errors it had outside tests. */
export function baseline(tests: TestCase[], errors: BaselineError[] = []): BaselineSummary {
  return {
    testIds: tests.map((x) => x.id),
    failing: tests.filter((x) => x.state === 'failed').map((x) => x.id),
    skipped: tests.filter((x) => x.state === 'skipped' || x.state === 'todo').map((x) => x.id),
    reportSha: 'base',
    collectionErrors: errors.length,
    errors,
  };
}

/** The ava case: every run of this environment fails to create the runner's cache dir. */
export function cacheError(worktree: string): CollectionError {
  return {
    file: '',
    class: 'unknown',
    message: `EACCES: permission denied, mkdir '${worktree}/node_modules/.cache/ava'`,
  };
}

export const BAD_REPORT: RunProblem = {
  kind: 'bad_report',
  message:
    "vitest's test report is unusable (it has no end record: the run stopped before it finished): `node vitest-launch.mjs test/a.test.js` exited with code 1",
  outputTail: 'Error: worker exited unexpectedly',
};
export const NO_TESTS: RunProblem = {
  kind: 'no_tests',
  message: 'vitest collected no tests (0 tests collected): `node vitest-launch.mjs` exited with code 1',
  outputTail: 'No test files found, exiting with code 1',
};
