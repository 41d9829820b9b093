import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { TestReport } from '../src/core/report.js';
import type { Config } from '../src/policy/config-schema.js';
import { execCommand, type ExecResult } from '../sandbox/exec.js';
import { listWorktreeFiles } from '../sandbox/tree-sync.js';
import { packageFile } from '../src/paths.js';
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
}

const ADAPTERS_DIR = packageFile('gates', 'adapters');

async function allTestFiles(opts: TestRunOptions): Promise<string[]> {
  return (await listWorktreeFiles(opts.worktree)).filter((f) => opts.isTestFile(f));
}

/** Runs the repo's tests in the worktree through the sandbox and normalises the result. */
export async function runTests(opts: TestRunOptions): Promise<TestRun> {
  const adapter = adapterFor(opts.config.test.runner);
  const scratch = await mkdtemp(join(tmpdir(), 'agentctl-report-'));
  try {
    const reportFile = join(scratch, 'report.out');
    const spec = adapter.plan({
      ...(opts.config.test.command !== undefined ? { command: opts.config.test.command } : {}),
      files: [...opts.files],
      reportFile,
      ...(opts.config.test.junitReport !== undefined ? { junitReport: opts.config.test.junitReport } : {}),
    });
    // A relative report path (JUnit) belongs to the worktree; a stale one from an earlier run must not be read.
    const reportPath =
      spec.reportFile === undefined
        ? reportFile
        : isAbsolute(spec.reportFile)
          ? spec.reportFile
          : join(opts.worktree, spec.reportFile);
    await rm(reportPath, { force: true });
    const exec = await execCommand({
      argv: spec.argv,
      cwd: opts.worktree,
      timeoutMs: opts.config.test.timeoutMs,
      maxOutputBytes: opts.config.sandbox.maxOutputBytes,
      mode: opts.config.sandbox.mode,
      env: { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...(spec.env ?? {}) },
      // The reporter modules runners load must be visible even when agentctl is installed under /tmp.
      readOnlyBinds: [...(opts.readOnlyBinds ?? []), { from: ADAPTERS_DIR, to: ADAPTERS_DIR }],
      writable: [scratch],
    });
    const reportText = await readFile(reportPath, 'utf8').catch(() => undefined);
    const report = adapter.parse(
      {
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
    return { report, exec, argv: spec.argv };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
