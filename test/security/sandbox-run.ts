import { realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { runTests, type TestRun } from '../../gates/run-tests.js';
import { prepareDependencies } from '../../sandbox/deps-link.js';
import type { SandboxMode } from '../../sandbox/exec.js';
import { packageRoot } from '../../src/paths.js';
import { Config, type ConfigInput } from '../../src/policy/config-schema.js';
import { git, makeRepo, tempDir } from '../sandbox/helpers.js';

/** A user's repository (a real git checkout) and a run worktree of it, as agentctl makes them. */
export interface RunRepo {
  repo: string;
  worktree: string;
  binds: Array<{ from: string; to: string }>;
}

/**
 * Commits `files` into a fresh repo and adds a worktree of it, with its dependency view
 * prepared; `nodeModules` installs agentctl's own node_modules (vitest, ava…) as the user's.
 */
export async function runRepo(files: Record<string, string>, nodeModules = false): Promise<RunRepo> {
  const repo = await realpath(
    await makeRepo(nodeModules ? { ...files, '.gitignore': 'node_modules\n' } : files),
  );
  if (nodeModules) await symlink(join(packageRoot(), 'node_modules'), join(repo, 'node_modules'), 'dir');
  const worktree = join(await realpath(await tempDir('wt')), 'wt');
  await git(repo, 'worktree', 'add', '-q', worktree);
  const { binds } = await prepareDependencies(repo, worktree);
  return { repo, worktree, binds };
}

/** Runs the worktree's whole suite with `runner` in `mode`, as the gates do. */
export async function runSuite(
  at: RunRepo,
  mode: SandboxMode,
  test: ConfigInput['test'] = { runner: 'node' },
): Promise<TestRun> {
  return runTests({
    worktree: at.worktree,
    config: Config.parse({ test, sandbox: { mode } }),
    files: [],
    isTestFile: (p) => p.startsWith('test/'),
    readOnlyBinds: at.binds,
  });
}

/** Everything a run produced that can reach the model: output, the raw report and the parsed one. */
export function everything(run: TestRun): string {
  return [
    run.exec.stdout,
    run.exec.stderr,
    run.rawReport?.toString('utf8') ?? '',
    JSON.stringify(run.report),
  ].join('\n');
}
