import { access, constants, readFile, realpath, rm, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { TestReport } from '../src/core/report.js';
import type { Config } from '../src/policy/config-schema.js';
import { resetRunnerCaches } from '../sandbox/deps-link.js';
import { execCommand, REPORT_PATH, type ExecResult } from '../sandbox/exec.js';
import { listWorktreeFiles } from '../sandbox/tree-sync.js';
import { adapterFor } from './adapters/index.js';
import { joinRuns, unrunnablePart, type PartRun } from './runners/suite-report.js';
import { filesByPart, pathInPart, repoPathOf, suiteParts, type SuitePart } from './runners/suite.js';

export interface TestRunOptions {
  worktree: string;
  config: Config;
  /** Test files to run; empty runs the whole suite. */
  files: readonly string[];
  isTestFile: (path: string) => boolean;
  /** Dependency dirs made visible read-only inside the sandbox. */
  readOnlyBinds?: Array<{ from: string; to: string }>;
}

export interface TestRun {
  report: TestReport;
  exec: ExecResult;
  argv: string[];
  /** The runner's report exactly as it wrote it (the bytes the adapter parsed); absent when it wrote none. */
  rawReport?: Buffer;
}

async function allTestFiles(opts: TestRunOptions): Promise<string[]> {
  return (await listWorktreeFiles(opts.worktree)).filter((f) => opts.isTestFile(f));
}

/** The adapter's variables, then the project's `test.env`; NODE_OPTIONS from both are kept, the project's first. */
function testEnv(
  adapterEnv: Record<string, string>,
  projectEnv: Record<string, string>,
): Record<string, string> {
  const env = { ...adapterEnv, ...projectEnv };
  const nodeOptions = [projectEnv.NODE_OPTIONS, adapterEnv.NODE_OPTIONS].filter(
    (o) => o !== undefined && o !== '',
  );
  if (nodeOptions.length > 0) env.NODE_OPTIONS = nodeOptions.join(' ');
  return env;
}

const NPX_FLAGS = new Set(['--no', '--no-install', '-y', '--yes', '--offline', '-q', '--quiet']);

/**
 * `npx [--no] <bin> …` becomes the project's own `node_modules/.bin/<bin> …` when it is
 * there: npx starts the runner as a child that would not inherit the report pipe (node
 * passes only stdio to children), and it might reach the registry for a missing tool.
 */
async function directBin(argv: readonly string[], cwd: string, worktree: string): Promise<string[]> {
  if (argv[0] !== 'npx') return [...argv];
  let at = 1;
  while (at < argv.length && NPX_FLAGS.has(argv[at] ?? '')) at++;
  const bin = argv[at];
  if (bin === undefined || bin.startsWith('-') || bin.includes('/') || bin.includes('@')) return [...argv];
  // A workspace package's own bin first, then the root's (where npm hoists it).
  for (const dir of cwd === worktree ? [cwd] : [cwd, worktree]) {
    const path = join(dir, 'node_modules', '.bin', bin);
    const found = await access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return [path, ...argv.slice(at + 1)];
  }
  return [...argv];
}

/** A report file the command names itself (JUnit) lives in the worktree; read it, then remove it. */
async function worktreeReport(worktree: string, file: string): Promise<Buffer | undefined> {
  const path = isAbsolute(file) ? file : join(worktree, file);
  const bytes = await readFile(path).catch(() => undefined);
  await rm(path, { force: true });
  return bytes;
}

/**
 * Runs the repo's tests in the worktree through the sandbox and normalises the result.
 * The runner writes its report to a pipe on fd 3 that tested code cannot find as a file;
 * runner caches in dependency dirs are emptied first so no run sees what another wrote.
 * A suite of workspace packages (`test.packages`) runs each package's runner in its own
 * folder (only the packages holding `files`, when given) and joins their reports under
 * repo-relative paths.
 */
export async function runTests(opts: TestRunOptions): Promise<TestRun> {
  const parts = suiteParts(opts.config.test);
  const only = parts[0];
  if (parts.length === 1 && only?.dir === '')
    return runPart(opts, only, opts.files, opts.config.test.timeoutMs);
  const { groups, orphans } =
    opts.files.length === 0
      ? { groups: parts.map((part) => ({ part, files: [] as string[] })), orphans: [] }
      : filesByPart(parts, opts.files);
  const deadline = Date.now() + opts.config.test.timeoutMs;
  const runs: PartRun[] = [];
  for (const { part, files } of groups) {
    const run = await runPart(opts, part, files, Math.max(1000, deadline - Date.now()));
    runs.push({ dir: part.dir, run });
    if (run.exec.timedOut || run.report.interrupted) break;
  }
  return joinRuns(runs, orphans);
}

/**
 * A package folder as a real directory inside the worktree, or null: tested code may have replaced it with a
 * link, and the sandbox mounts the working directory writable.
 */
async function packageFolder(worktree: string, dir: string): Promise<string | null> {
  const root = await realpath(worktree);
  const path = join(root, dir);
  const real = await realpath(path).catch(() => null);
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return real === path && isDir ? path : null;
}

/** Runs one part of the suite in its folder; the report's paths are relative to that folder. */
async function runPart(
  opts: TestRunOptions,
  part: SuitePart,
  files: readonly string[],
  timeoutMs: number,
): Promise<TestRun> {
  const cwd = part.dir === '' ? opts.worktree : await packageFolder(opts.worktree, part.dir);
  if (cwd === null) return unrunnablePart(part.dir, part.runner);
  const isTestFile = (path: string) => opts.isTestFile(repoPathOf(part, path));
  const adapter = adapterFor(part.runner);
  const spec = adapter.plan({
    ...(part.command !== undefined ? { command: part.command } : {}),
    files: [...files],
    reportFile: REPORT_PATH,
    ...(part.junitReport !== undefined ? { junitReport: part.junitReport } : {}),
  });
  const viaPipe = spec.reportFile === REPORT_PATH;
  // A stale report from an earlier run must not be read as this run's.
  if (!viaPipe && spec.reportFile !== undefined) await worktreeReport(cwd, spec.reportFile);
  await resetRunnerCaches(opts.worktree);
  const argv = await directBin(spec.argv, cwd, opts.worktree);
  const exec = await execCommand({
    argv,
    cwd,
    // A package's runner may write anywhere in the worktree, as it would at the root.
    ...(cwd !== opts.worktree ? { writable: [opts.worktree] } : {}),
    timeoutMs,
    maxOutputBytes: opts.config.sandbox.maxOutputBytes,
    mode: opts.config.sandbox.mode,
    env: testEnv(spec.env ?? {}, part.env ?? {}),
    readOnlyBinds: opts.readOnlyBinds ?? [],
    reportPipe: viaPipe,
  });
  const rawReport = viaPipe
    ? (exec.report ?? undefined)
    : spec.reportFile === undefined
      ? undefined
      : await worktreeReport(cwd, spec.reportFile);
  // An empty pipe means the reporter never wrote: no report, exactly as a missing file was.
  const reportText =
    rawReport === undefined || rawReport.length === 0 ? undefined : rawReport.toString('utf8');
  const allFiles = async () =>
    (await allTestFiles(opts)).flatMap((f) => {
      const inPart = pathInPart(part, f);
      return inPart === null ? [] : [inPart];
    });
  const report = adapter.parse(
    {
      argv,
      exitCode: exec.exitCode,
      stdout: exec.stdout,
      stderr: exec.stderr,
      timedOut: exec.timedOut,
      durationMs: exec.durationMs,
      ...(reportText !== undefined ? { reportText } : {}),
    },
    { cwd, isTestFile, files: files.length > 0 ? [...files] : await allFiles() },
  );
  return {
    report,
    exec,
    argv,
    ...(reportText !== undefined && rawReport !== undefined ? { rawReport } : {}),
  };
}
