import type { CollectionError, TestReport } from '../../src/core/report.js';
import type { ExecResult } from '../../sandbox/exec.js';
import { repoPathOf } from './suite.js';

/** What running one part of a suite gave: the report with paths relative to the part's folder. */
export interface PartRun {
  dir: string;
  run: { report: TestReport; exec: ExecResult; argv: string[] };
}

/** One part's report with every path repo-relative, so test ids stay unique across packages. */
export function underDir(report: TestReport, dir: string): TestReport {
  if (dir === '') return report;
  const at = (message: string) => `${dir}: ${message}`;
  return {
    ...report,
    tests: report.tests.map((t) => {
      const file = repoPathOf({ dir }, t.file);
      const id =
        t.file !== '' && t.id.startsWith(t.file) ? `${file}${t.id.slice(t.file.length)}` : `${dir} > ${t.id}`;
      return { ...t, file, id };
    }),
    collectionErrors: report.collectionErrors.map((e) =>
      e.file === '' ? { ...e, message: at(e.message) } : { ...e, file: repoPathOf({ dir }, e.file) },
    ),
    ...(report.problem !== undefined
      ? { problem: { ...report.problem, message: at(report.problem.message) } }
      : {}),
    outputTail: report.outputTail === '' ? '' : `[${dir}]\n${report.outputTail}`,
  };
}

/**
 * The run of a package whose folder is not a real folder of the worktree (absent, or a link that could lead the
 * sandbox's writable mount out of it): nothing ran, and the run proves nothing.
 */
export function unrunnablePart(
  dir: string,
  runner: string,
): { report: TestReport; exec: ExecResult; argv: string[] } {
  const message = `the package folder ${dir} is not a folder of the repository (absent, or a link), so ${runner} was not run there; fix "dir" in test.packages`;
  return {
    report: {
      runner,
      exitCode: null,
      interrupted: false,
      timedOut: false,
      collectionErrors: [{ file: '', class: 'unknown', message }],
      tests: [],
      durationMs: 0,
      outputTail: '',
      problem: { kind: 'no_report', message, outputTail: '' },
    },
    // Nothing ran, so nothing ran outside the sandbox either.
    exec: {
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: message,
      timedOut: false,
      truncated: false,
      sandboxed: true,
      durationMs: 0,
    },
    argv: [],
  };
}

/** A test file no package of `test.packages` holds: no runner would run it, so it can prove nothing. */
function orphanError(file: string): CollectionError {
  return {
    file,
    class: 'unknown',
    message: `${file} is in no package of test.packages, so no runner runs it; put it in a package folder`,
  };
}

/** The first exit code that is not 0 (null: killed by a signal); 0 when all passed, null when none ran. */
function firstFailing(codes: ReadonlyArray<number | null>): number | null {
  const at = codes.findIndex((c) => c !== 0);
  return at === -1 ? (codes.length > 0 ? 0 : null) : (codes[at] ?? null);
}

/**
 * The runs of a workspace suite as one run: tests and errors of every package under repo paths, the first
 * failing exit code, the first problem (one broken package makes the whole suite prove nothing).
 */
export function joinRuns(
  runs: readonly PartRun[],
  orphans: readonly string[],
): { report: TestReport; exec: ExecResult; argv: string[] } {
  const reports = runs.map((r) => underDir(r.run.report, r.dir));
  const execs = runs.map((r) => r.run.exec);
  const problem = reports.find((r) => r.problem !== undefined)?.problem;
  const command = runs
    .map((r) => (r.run.report.command === undefined ? undefined : `(cd ${r.dir} && ${r.run.report.command})`))
    .filter((c) => c !== undefined);
  const warning = execs.find((e) => e.warning !== undefined)?.warning;
  const report: TestReport = {
    runner: [...new Set(reports.map((r) => r.runner))].join('+') || 'none',
    exitCode: orphans.length > 0 ? 1 : firstFailing(reports.map((r) => r.exitCode)),
    interrupted: reports.some((r) => r.interrupted),
    timedOut: reports.some((r) => r.timedOut),
    collectionErrors: [...reports.flatMap((r) => r.collectionErrors), ...orphans.map(orphanError)],
    tests: reports.flatMap((r) => r.tests),
    durationMs: reports.reduce((sum, r) => sum + r.durationMs, 0),
    outputTail: reports
      .map((r) => r.outputTail)
      .filter((t) => t !== '')
      .join('\n'),
    ...(command.length > 0 ? { command: command.join('; ') } : {}),
    ...(problem !== undefined ? { problem } : {}),
  };
  const exec: ExecResult = {
    exitCode: orphans.length > 0 ? 1 : firstFailing(execs.map((e) => e.exitCode)),
    signal: execs.find((e) => e.signal !== null)?.signal ?? null,
    stdout: runs.map((r) => `[${r.dir}]\n${r.run.exec.stdout}`).join('\n'),
    stderr: runs.map((r) => `[${r.dir}]\n${r.run.exec.stderr}`).join('\n'),
    timedOut: execs.some((e) => e.timedOut),
    truncated: execs.some((e) => e.truncated),
    // No package ran at all (only orphan files): nothing ran unsandboxed either.
    sandboxed: execs.every((e) => e.sandboxed),
    durationMs: execs.reduce((sum, e) => sum + e.durationMs, 0),
    ...(warning !== undefined ? { warning } : {}),
  };
  const argv = runs.flatMap((r, i) => [...(i > 0 ? [';'] : []), 'cd', r.dir, '&&', ...r.run.argv]);
  return { report, exec, argv };
}
