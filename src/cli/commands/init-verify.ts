import type { TestReport } from '../../core/report.js';
import { readLayout, suiteCommand } from '../../../gates/runners/index.js';
import { treeView } from '../../../gates/runners/repo-view.js';
import { closeScratch, openScratch, runIn } from '../../ci/scratch.js';
import { ConfigError } from '../../errors.js';
import { headCommit } from '../../git/repo.js';
import type { Config } from '../../policy/config-schema.js';
import { pathClassifier } from '../../policy/path-kinds.js';
import { sandboxDiff, type SandboxDiff } from './init-sandbox-diff.js';

/** What one run of the whole suite found, before any change. */
export interface SuiteProof {
  commit: string;
  /** The test command as configured (without the report flags agentctl adds). */
  command: string[];
  argv: string[];
  sandboxed: boolean;
  collected: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Ids of tests failing before any change (the gates hold them aside). */
  failing: string[];
  /** Files that fail to load, and run-level errors, as the runner reported them. */
  loadErrors: string[];
  durationMs: number;
  /** The end of the runner's own output, to explain an empty run. */
  outputTail: string;
  /** Failing tests re-run outside the sandbox, and those that pass there (init-sandbox-diff.ts). */
  sandboxOnly?: SandboxDiff;
}

function summarize(
  report: TestReport,
): Omit<SuiteProof, 'commit' | 'command' | 'argv' | 'sandboxed' | 'durationMs'> {
  const count = (state: string) => report.tests.filter((t) => t.state === state).length;
  return {
    collected: report.tests.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: report.tests.length - count('passed') - count('failed'),
    failing: report.tests.filter((t) => t.state === 'failed').map((t) => t.id),
    loadErrors: report.collectionErrors.map(
      (e) => `${e.file || 'the run'}: ${e.message.split('\n')[0] ?? ''}`,
    ),
    outputTail: report.outputTail,
  };
}

/**
 * Runs the whole suite once, as a gated run would: in a scratch worktree of HEAD with the repo's dependencies
 * linked, inside the sandbox the config asks for. `tick` is called every few seconds while it runs.
 */
export async function proveSuite(
  root: string,
  config: Config,
  tick: (elapsedMs: number) => void,
): Promise<SuiteProof> {
  const commit = await headCommit(root).catch(() => {
    throw new ConfigError(
      'This repository has no commit yet, so there is no suite to run.',
      'Commit your code first, or pass --no-verify to write the config without running the tests.',
    );
  });
  const layout = await readLayout(config.test, await treeView(root, commit));
  const { isTest } = pathClassifier(config, layout);
  const started = Date.now();
  const scratch = await openScratch(root, commit, 'init');
  const timer = setInterval(() => tick(Date.now() - started), 5_000);
  try {
    const run = await runIn(scratch, config, isTest, []);
    const durationMs = Date.now() - started;
    const sandboxOnly = await sandboxDiff(scratch.dir, config, isTest, run);
    return {
      commit,
      command: suiteCommand(config.test) ?? run.argv,
      argv: run.argv,
      sandboxed: run.exec.sandboxed,
      durationMs,
      ...summarize(run.report),
      ...(sandboxOnly !== undefined ? { sandboxOnly } : {}),
    };
  } finally {
    clearInterval(timer);
    await closeScratch(scratch);
  }
}
