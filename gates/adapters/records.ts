import { z } from 'zod';
import type { CollectionError, TestCase, TestReport } from '../../src/core/report.js';
import { classifyError, stripAnsi } from '../classify-failure.js';
import { trimStack } from '../stack-frames.js';
import { buildReport, errorFromOutput, repoFile, testId, type ReportReading } from './report-helpers.js';
import type { AdapterContext, RawRun } from './types.js';

// The JSON-lines format written by agentctl's own reporters (node-test-reporter.mjs, vitest-reporter.mjs,
// mocha-reporter.cjs): one record per test or per error outside a test.
/** Text as a runner wrote it, colour codes removed: a project may force colour (FORCE_COLOR in `test.env`). */
const Text = z.string().transform(stripAnsi);
const ErrorRecord = z.object({
  name: z.string().exactOptional(),
  message: Text,
  stack: Text.exactOptional(),
  code: z.string().exactOptional(),
  expected: Text.exactOptional(),
  actual: Text.exactOptional(),
});
const TestRecord = z.object({
  kind: z.literal('test'),
  /** The runner's own identity of the test object, when it can report one test twice (mocha). */
  uid: z.string().optional(),
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
  output: Text.optional(),
});
/** The closing record every reporter writes last: without it the run crashed or the report was cut. */
const EndRecord = z.object({ kind: z.literal('end'), tests: z.number().int().nonnegative() });
/** One line of a reporter's output. */
export const ReporterRecord = z.discriminatedUnion('kind', [TestRecord, ErrorEventRecord]);
export type ReporterRecord = z.infer<typeof ReporterRecord>;

/** The records of a report, and whether the report as a whole can be trusted. */
export interface ParsedRecords {
  records: ReporterRecord[];
  reading: ReportReading;
}

/**
 * Reads the JSON lines. The report is usable only when every line parses and it ends with exactly one end
 * record counting the test records before it; otherwise the records read so far are kept (to show what ran)
 * and the reading says why the report proves nothing.
 */
export function parseRecords(text: string | undefined): ParsedRecords {
  if (text === undefined) return { records: [], reading: { state: 'missing' } };
  const records: ReporterRecord[] = [];
  let end: z.infer<typeof EndRecord> | undefined;
  let why: string | undefined;
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    if (end !== undefined) {
      why ??= `line ${i + 1} follows the end record`;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      why ??= `line ${i + 1} is not JSON`;
      continue;
    }
    const closing = EndRecord.safeParse(value);
    if (closing.success) {
      end = closing.data;
      continue;
    }
    const parsed = ReporterRecord.safeParse(value);
    if (parsed.success) records.push(parsed.data);
    else why ??= `line ${i + 1} is not a test record`;
  }
  const tests = records.filter((r) => r.kind === 'test').length;
  if (why === undefined && end === undefined)
    why = 'it has no end record: the run stopped before it finished';
  if (why === undefined && end !== undefined && end.tests !== tests)
    why = `its end record counts ${end.tests} tests, the report holds ${tests}`;
  return { records, reading: why === undefined ? { state: 'ok' } : { state: 'invalid', why } };
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
  parsed: ParsedRecords,
): TestReport {
  const { records } = parsed;
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
  // Keyed by the runner's test identity where it gives one, so two tests sharing a name stay two tests.
  const tests = new Map<string, TestCase>();
  for (const [i, rec] of records.entries()) {
    if (rec.kind !== 'test') continue;
    const test = testCase(rec, ctx, hookFiles);
    const key = rec.uid ?? `#${i}`;
    // A test can be reported twice (mocha: passed, then "done() called multiple times"); a failure wins.
    if (tests.get(key)?.state !== 'failed') tests.set(key, test);
  }
  return buildReport(runner, raw, [...tests.values()], errors, parsed.reading);
}
