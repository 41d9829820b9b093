import type { TestReport } from '../../src/core/report.js';
import type { Runner } from '../../src/policy/config-schema.js';

/** How to run a test command: argv, extra environment, and where the machine-readable report lands. */
export interface RunSpec {
  argv: string[];
  env?: Record<string, string>;
  reportFile?: string;
}

/** What a test command did, as the process runner observed it. */
export interface RawRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  interrupted?: boolean;
  durationMs: number;
  /** The argv that ran, so a report that proves nothing can name the command. */
  argv?: readonly string[];
  /** Contents of the report file, if the runner wrote one. */
  reportText?: string;
}

/** What an adapter needs to know about the repo to turn runner output into a report. */
export interface AdapterContext {
  /** Absolute repo/worktree root (realpath); every path in the report is relative to it, with forward slashes. */
  cwd: string;
  isTestFile: (relPath: string) => boolean;
  /**
   * The test files the run covered, relative to cwd: the planned files, or every test file for a full run.
   * Only ava needs it, because its TAP titles carry a mangled file name instead of a path.
   */
  files?: string[];
}

/** Runs one test runner and normalises its results. */
export interface TestAdapter {
  runner: Runner;
  /**
   * argv that runs `files` (every test when files is empty) and writes a machine-readable report to
   * reportFile (an absolute path outside cwd). `command` overrides the default argv prefix
   * (e.g. ["npx","vitest","run"]).
   */
  plan(opts: { command?: string[]; files: string[]; reportFile: string; junitReport?: string }): RunSpec;
  parse(raw: RawRun, ctx: AdapterContext): TestReport;
}
