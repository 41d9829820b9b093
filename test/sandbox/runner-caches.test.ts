import { readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTests } from '../../gates/run-tests.js';
import { prepareDependencies } from '../../sandbox/deps-link.js';
import { sandboxStatus } from '../../sandbox/exec.js';
import { packageRoot } from '../../src/paths.js';
import { Config, type ConfigInput } from '../../src/policy/config-schema.js';
import { cleanupTemp, git, makeRepo, tempDir } from './helpers.js';

const { available } = await sandboxStatus();

afterAll(cleanupTemp);

/** A repo whose node_modules is agentctl's (the user's, read-only in the sandbox), checked out in a worktree. */
async function project(files: Record<string, string>) {
  const repo = await realpath(await makeRepo({ ...files, '.gitignore': 'node_modules\n' }));
  await symlink(join(packageRoot(), 'node_modules'), join(repo, 'node_modules'), 'dir');
  const worktree = join(await realpath(await tempDir('wt')), 'wt');
  await git(repo, 'worktree', 'add', '-q', worktree);
  const deps = await prepareDependencies(repo, worktree);
  return { repo, worktree, deps };
}

async function run(worktree: string, binds: Array<{ from: string; to: string }>, test: ConfigInput['test']) {
  return runTests({
    worktree,
    config: Config.parse({ test, sandbox: { mode: 'required' } }),
    files: [],
    isTestFile: (p) => p.startsWith('test'),
    readOnlyBinds: binds,
  });
}

describe.skipIf(!available)('runner caches in the sandbox (needs bubblewrap)', () => {
  it('vitest with a vitest.config.mts bundles its config into the worktree farm and passes', async () => {
    const { worktree, deps } = await project({
      'package.json': '{"type":"module"}',
      'vitest.config.mts':
        "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: {} });\n",
      'test/a.test.js':
        "import { it, expect } from 'vitest';\nit('adds', () => { expect(1 + 1).toBe(2); });\n",
    });
    const first = await run(worktree, deps.binds, { runner: 'vitest' });
    expect(first.exec.stderr).not.toMatch(/\.vite-temp|EROFS/);
    expect(first.exec.sandboxed).toBe(true);
    expect(first.report.tests.map((t) => [t.id, t.state])).toEqual([['test/a.test.js > adds', 'passed']]);
    // The report arrived through the pipe, byte for byte what the adapter parsed.
    expect(first.rawReport?.length).toBeGreaterThan(0);
    // A second run starts from empty caches and still passes.
    await writeFile(join(worktree, 'node_modules/.vite-temp/left-by-run-1.mjs'), 'x');
    const second = await run(worktree, deps.binds, { runner: 'vitest' });
    expect(
      second.report.tests.map((t) => t.state),
      second.exec.stdout + second.exec.stderr,
    ).toEqual(['passed']);
    expect(await readdir(join(worktree, 'node_modules/.vite-temp'))).not.toContain('left-by-run-1.mjs');
  });

  it('ava writes node_modules/.cache/ava in the worktree farm and its run has no cache error', async () => {
    const { worktree, deps } = await project({
      'package.json': '{"type":"module","ava":{"files":["test/**/*.js"]}}',
      'test/a.js': "import test from 'ava';\ntest('adds', (t) => { t.is(1 + 1, 2); });\n",
    });
    const result = await run(worktree, deps.binds, { runner: 'ava' });
    expect(result.exec.stdout + result.exec.stderr).not.toMatch(/EROFS|ENOENT|\.cache/);
    expect(result.report.tests.map((t) => t.state)).toEqual(['passed']);
    expect(await readdir(join(worktree, 'node_modules/.cache'))).toContain('ava');
  });

  it('pytest through pyenv’s shims runs in the sandbox and writes its caches in the worktree', async () => {
    const { worktree, deps } = await project({
      'test_sum.py': 'def test_sum():\n    assert 1 + 1 == 2\n',
    });
    const result = await run(worktree, deps.binds, {
      runner: 'junit',
      command: ['python3', '-m', 'pytest', '-q', '--junitxml=.agentctl-junit.xml'],
      junitReport: '.agentctl-junit.xml',
    });
    expect(result.exec.sandboxed).toBe(true);
    expect(result.report.tests.map((t) => [t.name, t.state])).toEqual([['test_sum', 'passed']]);
    expect(await readdir(worktree)).toContain('.pytest_cache');
  });

  it('project variables come from test.env, and agentctl adds no CI or colour variables', async () => {
    const { worktree, deps } = await project({
      'package.json': '{"type":"module"}',
      'test/env.test.js':
        "import { it, expect } from 'vitest';\n" +
        "it('env', () => { expect([process.env.TZ_HINT, process.env.CI, process.env.NO_COLOR]).toEqual(['utc', undefined, undefined]); });\n",
    });
    const saved = { CI: process.env.CI, NO_COLOR: process.env.NO_COLOR };
    delete process.env.CI;
    delete process.env.NO_COLOR;
    try {
      const result = await run(worktree, deps.binds, { runner: 'vitest', env: { TZ_HINT: 'utc' } });
      expect(result.report.tests.map((t) => t.state)).toEqual(['passed']);
    } finally {
      Object.assign(process.env, saved);
      for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name];
    }
  });
});
