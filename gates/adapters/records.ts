import { z } from 'zod';
import type { CollectionError, TestCase, TestReport } from '../../src/core/report.js';
import { classifyError, stripAnsi } from '../classify-failure.js';
import { trimStack } from '../stack-frames.js';
import { buildReport, errorFromOutput, repoFile, testId } from './report-helpers.js';
import type { AdapterContext, RawRun } from './types.js';

// The JSON-lines format written by agentctl's own reporters (node-test-reporter.mjs, vitest-reporter.mjs,
// mocha-reporter.cjs): one record per test or per error outside a test.
const ErrorRecord = z.object({
  name: z.string().optional(),
  message: z.string(),
  stack: z.string().optional(),
  code: z.string().optional(),
  expected: z.string().optional(),
  actual: z.string().optional(),
});
const TestRecord = z.object({
  kind: z.literal('test'),
  file: z.string(),
  path: z.array(z.string()),
  state: z.enum(['passed', 'failed', 'skipped', 'todo', 'notrun']),
  durationMs: z.number().optional(),
  where: z.enum(['test', 'hook']).optional(),
  timedOut: z.boolean().optional(),
  error: ErrorRecord.optional(),
});
const ErrorEventRecord = z.object({
  kind: z.literal('error'),
  file: z.string().optional(),
  path: z.array(z.string()).optional(),
  where: z.enum(['module', 'hook', 'unhandled']),
  error: ErrorRecord.optional(),
  /** What the test file's process printed, when the error itself is only there (node:test). */
  output: z.string().optional(),
});
/** One line of a reporter's output. */
export const ReporterRecord = z.discriminatedUnion('kind', [TestRecord, ErrorEventRecord]);
export type ReporterRecord = z.infer<typeof ReporterRecord>;

/** Reads the JSON lines; a line cut short by a killed process is skipped, the rest still count. */
export function parseRecords(text: string | undefined): ReporterRecord[] {
  const records: ReporterRecord[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = ReporterRecord.safeParse(JSON.parse(line));
      if (parsed.success) records.push(parsed.data);
    } catch {
      continue;
    }
  }
  return records;
}

function collectionError(
  rec: Extract<ReporterRecord, { kind: 'error' }>,
  ctx: AdapterContext,
): CollectionError {
  const printed = rec.output === undefined ? undefined : errorFromOutput(rec.output);
  const err = printed ?? rec.error ?? { message: stripAnsi(rec.output ?? 'failed outside any test').trim() };
  const where = rec.where === 'hook' ? 'hook' : 'module';
  const scope = rec.path !== undefined && rec.path.length > 0 ? `${rec.path.join(' > ')}: ` : '';
  const error: CollectionError = {
    file: repoFile(rec.file ?? printed?.file, ctx.cwd),
    class: classifyError(err, { where, isTestFile: ctx.isTestFile, cwd: ctx.cwd }),
    message: scope + stripAnsi(err.message).trim(),
  };
  const stack = trimStack(err.stack);
  if (stack !== undefined) error.stack = stack;
  return error;
}

function testCase(
  rec: Extract<ReporterRecord, { kind: 'test' }>,
  ctx: AdapterContext,
  hookFiles: Set<string>,
): TestCase {
  const file = repoFile(rec.file, ctx.cwd);
  const base = {
    id: testId(file, rec.path),
    file,
    name: rec.path.join(' > '),
    durationMs: rec.durationMs ?? 0,
  };
  if (rec.state === 'notrun') {
    // Tests a failed hook kept from running: their ids stay visible, failed for the hook's sake.
    const hook = hookFiles.has(file);
    const failure = {
      class: hook ? 'hook' : 'unknown',
      message: hook ? 'did not run: a hook failed' : 'did not run',
    } as const;
    return { ...base, state: 'failed', failure };
  }
  if (rec.state !== 'failed') return { ...base, state: rec.state };
  const err = rec.error ?? { message: 'failed' };
  const cls =
    rec.timedOut === true
      ? 'timeout'
      : classifyError(err, { where: rec.where ?? 'test', isTestFile: ctx.isTestFile, cwd: ctx.cwd });
  const failure: NonNullable<TestCase['failure']> = { class: cls, message: stripAnsi(err.message).trim() };
  if (err.expected !== undefined) failure.expected = err.expected;
  if (err.actual !== undefined) failure.actual = err.actual;
  const stack = trimStack(err.stack);
  if (stack !== undefined) failure.stack = stack;
  return { ...base, state: 'failed', failure };
}

/** Turns reporter records into the normalised report. */
export function recordsToReport(
  runner: string,
  raw: RawRun,
  ctx: AdapterContext,
  records: ReporterRecord[],
): TestReport {
  const errors: CollectionError[] = [];
  const hookFiles = new Set<string>();
  for (const rec of records) {
    if (rec.kind !== 'error') continue;
    const error = collectionError(rec, ctx);
    if (error.class === 'hook') hookFiles.add(error.file);
    errors.push(error);
  }
  for (const rec of records)
    if (rec.kind === 'test' && rec.where === 'hook') hookFiles.add(repoFile(rec.file, ctx.cwd));
  const tests = new Map<string, TestCase>();
  for (const rec of records) {
    if (rec.kind !== 'test') continue;
    const test = testCase(rec, ctx, hookFiles);
    // A test can be reported twice (mocha: passed, then "done() called multiple times"); a failure wins.
    if (tests.get(test.id)?.state !== 'failed') tests.set(test.id, test);
  }
  return buildReport(runner, raw, [...tests.values()], errors);
}
