import type { FailureNote } from '../core/evidence.js';
import type { TestCase, TestReport } from '../core/report.js';
import type { PathKind } from '../policy/path-kinds.js';
import { failureLine } from '../../gates/red-gate.js';
import { isExternalFile, parseFrames, toRepoPath } from '../../gates/stack-frames.js';

/** How to place a stack frame: the worktree paths are relative to, and which repo paths are production code. */
export interface FrameContext {
  worktree: string;
  classify: (path: string) => PathKind;
}

/** Most tests a compact summary lists; the count of the rest is said. */
const MAX_LISTED = 30;

/** `src/calc.js:7`: the innermost frame of `stack` in the repository's production code, if there is one. */
export function productionFrame(stack: string | undefined, where: FrameContext): string | undefined {
  if (stack === undefined) return undefined;
  for (const frame of parseFrames(stack)) {
    if (isExternalFile(frame.file)) continue;
    const path = toRepoPath(frame.file, where.worktree);
    if (path !== undefined && where.classify(path) === 'production') return `${path}:${frame.line}`;
  }
  return undefined;
}

/** A gate's failure notes with the production frame each test's failure came through, from the report it judged. */
export function withFrames(
  failures: readonly FailureNote[],
  report: TestReport,
  where: FrameContext,
): FailureNote[] {
  const byId = new Map(report.tests.map((t) => [t.id, t]));
  return failures.map((f) => {
    const at = productionFrame(byId.get(f.id)?.failure?.stack, where);
    return at === undefined ? f : { ...f, at };
  });
}

function testLine(test: TestCase, isNew: boolean, where: FrameContext): string {
  const tag = isNew ? ' (new)' : '';
  const failure = test.failure;
  if (test.state !== 'failed' || failure === undefined) return `${test.state.toUpperCase()}${tag} ${test.id}`;
  const at = productionFrame(failure.stack, where);
  const how = failureLine(failure.message, failure.expected, failure.actual);
  return `FAILED${tag} ${test.id}: ${failure.class}: ${how}${at === undefined ? '' : ` [at ${at}]`}`;
}

/**
 * The compact view of a report the model gets by default: counts, errors outside tests, and one line per test
 * that failed or is new since the baseline (state, failure class, message with expected vs actual, first
 * production frame). The full report is one `read_last_report` call with `full: true` away.
 */
export function summarizeReport(
  report: TestReport,
  baselineIds: readonly string[],
  where: FrameContext,
): string {
  const known = new Set(baselineIds);
  const count = (s: string) => report.tests.filter((t) => t.state === s).length;
  const lines = [
    `${report.tests.length} tests: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped') + count('todo')} skipped; exit code ${report.exitCode ?? 'none'}${report.timedOut ? ', timed out' : ''}`,
  ];
  if (report.problem !== undefined) lines.push(`the run proves nothing: ${report.problem.message}`);
  for (const e of report.collectionErrors)
    lines.push(`ERROR ${e.file || '(run)'}: ${e.class}: ${failureLine(e.message)}`);
  const shown = report.tests.filter((t) => t.state === 'failed' || !known.has(t.id));
  for (const test of shown.slice(0, MAX_LISTED)) lines.push(testLine(test, !known.has(test.id), where));
  if (shown.length > MAX_LISTED)
    lines.push(`(${shown.length - MAX_LISTED} more failing or new tests not shown)`);
  if (shown.length === 0 && report.tests.length > 0) lines.push('(no failing or new tests)');
  return lines.join('\n');
}

/** The whole report as the model may ask for it: normalised JSON, without timings or raw output. */
export function fullReport(report: TestReport): string {
  return JSON.stringify(
    {
      exitCode: report.exitCode,
      timedOut: report.timedOut,
      collectionErrors: report.collectionErrors,
      tests: report.tests.map((t) => ({ id: t.id, state: t.state, failure: t.failure })),
    },
    null,
    2,
  );
}
