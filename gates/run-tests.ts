import { access, constants, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { TestReport } from '../src/core/report.js';
import type { Config } from '../src/policy/config-schema.js';
import { resetRunnerCaches } from '../sandbox/deps-link.js';
import { execCommand, REPORT_PATH, type ExecResult } from '../sandbox/exec.js';
import { listWorktreeFiles } from '../sandbox/tree-sync.js';
import { adapterFor } from './adapters/index.js';

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
 * `npx [--no] <bin> …` becomes the worktree's own `node_modules/.bin/<bin> …` when it is
 * there: npx starts the runner as a child that would not inherit the report pipe (node
 * passes only stdio to children), and it might reach the registry for a missing tool.
 */
async function directBin(argv: readonly string[], worktree: string): Promise<string[]> {
  if (argv[0] !== 'npx') return [...argv];
  let at = 1;
  while (at < argv.length && NPX_FLAGS.has(argv[at] ?? '')) at++;
  const bin = argv[at];
  if (bin === undefined || bin.startsWith('-') || bin.includes('/') || bin.includes('@')) return [...argv];
  const path = join(worktree, 'node_modules', '.bin', bin);
  const found = await access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
  return found ? [path, ...argv.slice(at + 1)] : [...argv];
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
 */
export async function runTests(opts: TestRunOptions): Promise<TestRun> {
  const adapter = adapterFor(opts.config.test.runner);
  const spec = adapter.plan({
    ...(opts.config.test.command !== undefined ? { command: opts.config.test.command } : {}),
    files: [...opts.files],
    reportFile: REPORT_PATH,
    ...(opts.config.test.junitReport !== undefined ? { junitReport: opts.config.test.junitReport } : {}),
  });
  const viaPipe = spec.reportFile === REPORT_PATH;
  // A stale report from an earlier run must not be read as this run's.
  if (!viaPipe && spec.reportFile !== undefined) await worktreeReport(opts.worktree, spec.reportFile);
  await resetRunnerCaches(opts.worktree);
  const argv = await directBin(spec.argv, opts.worktree);
  const exec = await execCommand({
    argv,
    cwd: opts.worktree,
    timeoutMs: opts.config.test.timeoutMs,
    maxOutputBytes: opts.config.sandbox.maxOutputBytes,
    mode: opts.config.sandbox.mode,
    env: testEnv(spec.env ?? {}, opts.config.test.env ?? {}),
    readOnlyBinds: opts.readOnlyBinds ?? [],
    reportPipe: viaPipe,
  });
  const rawReport = viaPipe
    ? (exec.report ?? undefined)
    : spec.reportFile === undefined
      ? undefined
      : await worktreeReport(opts.worktree, spec.reportFile);
  // An empty pipe means the reporter never wrote: no report, exactly as a missing file was.
  const reportText =
    rawReport === undefined || rawReport.length === 0 ? undefined : rawReport.toString('utf8');
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
    {
      cwd: opts.worktree,
      isTestFile: opts.isTestFile,
      files: opts.files.length > 0 ? [...opts.files] : await allTestFiles(opts),
    },
  );
  return { report, exec, argv, ...(reportText !== undefined ? { rawReport } : {}) };
}
