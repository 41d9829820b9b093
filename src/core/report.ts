import { z } from 'zod';

/** Why a test failed, as DESIGN.md classifies it. */
export const FailureClass = z.enum([
  'assertion',
  'not_implemented',
  'crash',
  'import',
  'syntax',
  'hook',
  'timeout',
  'test_error',
  'unknown',
]);
export type FailureClass = z.infer<typeof FailureClass>;

export const TestState = z.enum(['passed', 'failed', 'skipped', 'todo']);
export type TestState = z.infer<typeof TestState>;

export const Failure = z.object({
  class: FailureClass,
  message: z.string(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  /** First stack frames, trimmed; used to tell a crash in production code from an error in the test. */
  stack: z.string().optional(),
});
export type Failure = z.infer<typeof Failure>;

export const TestCase = z.object({
  /** `<file> > <suite> > <name>`, file relative to the repo root with forward slashes. */
  id: z.string(),
  file: z.string(),
  name: z.string(),
  state: TestState,
  durationMs: z.number(),
  failure: Failure.optional(),
});
export type TestCase = z.infer<typeof TestCase>;

/** An error outside any test: a file that failed to load, a hook at file level, a crashed worker. */
export const CollectionError = z.object({
  file: z.string(),
  class: FailureClass,
  message: z.string(),
  stack: z.string().optional(),
});
export type CollectionError = z.infer<typeof CollectionError>;

/**
 * Why a run proves nothing about the code: the runner is not installed, wrote no report, wrote one that is
 * unreadable or unterminated (a crash, or tampering), or collected no tests. A report with a problem is never a pass.
 */
export const RunProblem = z.object({
  kind: z.enum(['runner_missing', 'no_report', 'bad_report', 'no_tests']),
  /** One line naming the runner, what went wrong and the command that ran. */
  message: z.string(),
  /** The last lines of the runner's own output (stderr, then stdout), which usually say why. */
  outputTail: z.string(),
});
export type RunProblem = z.infer<typeof RunProblem>;

/** One normalised test run, whatever the runner. */
export const TestReport = z.object({
  runner: z.string(),
  exitCode: z.number().nullable(),
  interrupted: z.boolean(),
  timedOut: z.boolean().default(false),
  collectionErrors: z.array(CollectionError),
  tests: z.array(TestCase),
  durationMs: z.number().default(0),
  /** Tail of stdout/stderr kept for the evidence bundle. */
  outputTail: z.string().default(''),
  /** The command that ran, as one shell-like line, when the runner of the command passed it on. */
  command: z.string().optional(),
  /** Set when the run proves nothing (see RunProblem); a run-level collection error then says the same. */
  problem: RunProblem.optional(),
});
export type TestReport = z.infer<typeof TestReport>;
