import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaselineSummary } from '../core/evidence.js';
import type { TestReport } from '../core/report.js';
import { problemText } from '../../gates/baseline-errors.js';
import { canonicalJson } from '../journal/canonical.js';
import { sha256Hex } from '../journal/hash.js';

/**
 * A report's identity: what the tests did, without timings, stacks or raw output, so the same outcome has the
 * same hash on every run (and a redone commit, whose trailers cite it, the same SHA).
 */
export function reportIdentity(report: TestReport): string {
  return sha256Hex(
    canonicalJson({
      runner: report.runner,
      exitCode: report.exitCode,
      timedOut: report.timedOut,
      collectionErrors: report.collectionErrors.map((e) => ({
        file: e.file,
        class: e.class,
        message: e.message,
      })),
      tests: report.tests.map((t) => ({
        id: t.id,
        state: t.state,
        failure:
          t.failure === undefined
            ? null
            : {
                class: t.failure.class,
                message: t.failure.message,
                expected: t.failure.expected ?? null,
                actual: t.failure.actual ?? null,
              },
      })),
    }),
  );
}

/** Saves a report under the run dir by its identity hash; the hash is what evidence refers to. */
export async function saveReport(runDir: string, report: TestReport): Promise<string> {
  const sha = reportIdentity(report);
  const dir = join(runDir, 'reports');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${sha}.json`), `${JSON.stringify(report, null, 2)}\n`);
  return sha;
}

/**
 * Why a baseline run cannot be a baseline, if it cannot: it proves nothing (runner missing, no usable report, no
 * tests) or every test file failed to load. Names the runner, the command and the runner's last words.
 */
export function baselineFailure(report: TestReport): string | undefined {
  if (report.problem !== undefined) return problemText(report.problem);
  if (report.tests.length > 0) return undefined;
  const ran = `\`${report.command ?? report.runner}\` exited with code ${report.exitCode ?? 'null (killed)'}`;
  const first = report.collectionErrors[0];
  const error = first === undefined ? '' : `; ${first.file || 'the run'}: ${first.message.split('\n')[0]}`;
  return problemText({
    kind: 'no_tests',
    message: `${report.runner} collected no tests (0 tests collected): ${ran}${error}`,
    outputTail: report.outputTail.split('\n').slice(-20).join('\n'),
  });
}

/** The parts of a baseline run the gates need later. */
export function summarizeBaseline(report: TestReport, reportSha: string): BaselineSummary {
  return {
    testIds: report.tests.map((t) => t.id),
    failing: report.tests.filter((t) => t.state === 'failed').map((t) => t.id),
    skipped: report.tests.filter((t) => t.state === 'skipped' || t.state === 'todo').map((t) => t.id),
    reportSha,
    collectionErrors: report.collectionErrors.length,
    errors: report.collectionErrors.map((e) => ({ file: e.file, class: e.class, message: e.message })),
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** One-line description of a report for progress output (plus the runner's output when the run proves nothing). */
export function describeReport(report: TestReport): string {
  const count = (s: string) => report.tests.filter((t) => t.state === s).length;
  const parts = [`${count('passed')} passed`, `${count('failed')} failed`];
  if (count('skipped') + count('todo') > 0) parts.push(`${count('skipped') + count('todo')} skipped`);
  // The run-level error that mirrors a report problem is said below, not counted as a file.
  const errors = report.collectionErrors.filter((e) => e.message !== report.problem?.message).length;
  if (errors > 0) parts.push(`${errors} file(s) failed to load`);
  if (report.timedOut) parts.push('timed out');
  // A run that proves nothing says why on screen, with the runner's own last words.
  if (report.problem !== undefined) return `${parts.join(', ')}\n${indent(problemText(report.problem))}`;
  return parts.join(', ');
}
