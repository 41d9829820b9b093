/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { realpath, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../src/core/report.js';
import { lockedConfigPaths } from '../../gates/lock-scope.js';
import { runTests } from '../../gates/run-tests.js';
import { detectProject } from '../../gates/runners/detect.js';
import { readLayout, suiteCommand } from '../../gates/runners/index.js';
import { joinRuns, underDir } from '../../gates/runners/suite-report.js';
import { filesByPart, suiteParts } from '../../gates/runners/suite.js';
import type { ExecResult } from '../../sandbox/exec.js';
import { Config } from '../../src/policy/config-schema.js';
import { pathClassifier } from '../../src/policy/path-kinds.js';
import { cleanupTemp, makeRepo } from '../sandbox/helpers.js';
import { memoryRepo } from './memory-repo.js';

afterAll(cleanupTemp);

const PACKAGES = {
  packages: [
    { dir: 'packages/dates', runner: 'vitest' as const },
    { dir: 'packages/money', runner: 'jest' as const },
  ],
};

function report(over: Partial<TestReport>): TestReport {
  return {
    runner: 'jest',
    exitCode: 0,
    interrupted: false,
    timedOut: false,
    collectionErrors: [],
    tests: [],
    durationMs: 1,
    outputTail: '',
    ...over,
  };
}

const exec = (over: Partial<ExecResult> = {}): ExecResult => ({
  exitCode: 0,
  signal: null,
  stdout: '',
  stderr: '',
  timedOut: false,
  truncated: false,
  sandboxed: true,
  durationMs: 1,
  ...over,
});

describe('test.packages in the config', () => {
  it('takes packages instead of a root runner, and refuses both, neither, nested or escaping folders', () => {
    expect(Config.parse({ test: PACKAGES }).test.packages).toEqual(PACKAGES.packages);
    const issues = (test: unknown) => {
      const parsed = Config.safeParse({ test });
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({})).toEqual(['test.runner: a runner is required (or "packages")']);
    expect(issues({ ...PACKAGES, runner: 'jest' })).toEqual([
      'test.runner: "runner" belongs to each package when "packages" is set',
    ]);
    expect(
      issues({
        packages: [
          { dir: 'packages', runner: 'jest' },
          { dir: 'packages/a', runner: 'vitest' },
        ],
      }),
    ).toEqual([
      'test.packages.1.dir: "packages/a" is inside (or the same as) package "packages"; each file belongs to one package',
    ]);
    for (const dir of ['../x', '/abs', 'a/../b', 'a/', '.'])
      expect(issues({ packages: [{ dir, runner: 'jest' }] }), dir).toHaveLength(1);
  });

  it('makes one part per package, the project env under each package env, and a readable command', () => {
    const parts = suiteParts({
      env: { TZ: 'UTC', A: 'root' },
      packages: [
        { dir: 'p/a', runner: 'jest', env: { A: 'pkg' } },
        { dir: 'p/b', runner: 'node' },
      ],
    });
    expect(parts).toEqual([
      { dir: 'p/a', runner: 'jest', env: { TZ: 'UTC', A: 'pkg' } },
      { dir: 'p/b', runner: 'node', env: { TZ: 'UTC', A: 'root' } },
    ]);
    expect(suiteParts({ runner: 'mocha' })).toEqual([{ dir: '', runner: 'mocha' }]);
    expect(suiteCommand(PACKAGES)?.join(' ')).toBe(
      'cd packages/dates && npx vitest run ; cd packages/money && npx jest',
    );
    expect(suiteCommand({ runner: 'jest' })).toEqual(['npx', 'jest']);
  });

  it('groups the files of a targeted run by the package that holds them; others are orphans', () => {
    const { groups, orphans } = filesByPart(suiteParts(PACKAGES), [
      'packages/money/a.test.js',
      'test/root.test.js',
      'packages/money/b.test.js',
      'packages/datesx/c.test.js',
    ]);
    expect(groups.map((g) => [g.part.dir, g.files])).toEqual([
      ['packages/money', ['a.test.js', 'b.test.js']],
    ]);
    expect(orphans).toEqual(['test/root.test.js', 'packages/datesx/c.test.js']);
  });
});

describe('one report from the packages of a suite', () => {
  it('puts every path under the package folder, so ids stay unique across packages', () => {
    const moved = underDir(
      report({
        tests: [
          { id: 'index.test.js > a > b', file: 'index.test.js', name: 'b', state: 'passed', durationMs: 1 },
        ],
        collectionErrors: [
          { file: 'broken.test.js', class: 'syntax', message: 'Unexpected token' },
          { file: '', class: 'unknown', message: 'worker crashed' },
        ],
      }),
      'packages/money',
    );
    expect(moved.tests.map((t) => [t.id, t.file])).toEqual([
      ['packages/money/index.test.js > a > b', 'packages/money/index.test.js'],
    ]);
    expect(moved.collectionErrors.map((e) => [e.file, e.message])).toEqual([
      ['packages/money/broken.test.js', 'Unexpected token'],
      ['', 'packages/money: worker crashed'],
    ]);
  });

  it('fails when any package fails, keeps the first problem, and names files no package runs', () => {
    const test = (file: string) => ({
      id: `${file} > t`,
      file,
      name: 't',
      state: 'passed' as const,
      durationMs: 1,
    });
    const joined = joinRuns(
      [
        {
          dir: 'a',
          run: { report: report({ tests: [test('x.test.js')] }), exec: exec(), argv: ['npx', 'jest'] },
        },
        {
          dir: 'b',
          run: {
            report: report({
              exitCode: 1,
              problem: { kind: 'no_tests', message: 'vitest collected no tests', outputTail: '' },
            }),
            exec: exec({ exitCode: 1, sandboxed: false }),
            argv: ['npx', 'vitest', 'run'],
          },
        },
      ],
      ['elsewhere.test.js'],
    );
    expect(joined.report.exitCode).toBe(1);
    expect(joined.report.tests.map((t) => t.id)).toEqual(['a/x.test.js > t']);
    expect(joined.report.problem?.message).toBe('b: vitest collected no tests');
    expect(joined.report.collectionErrors.map((e) => e.file)).toEqual(['elsewhere.test.js']);
    expect(joined.exec.sandboxed).toBe(false);
    expect(joined.argv.join(' ')).toBe('cd a && npx jest ; cd b && npx vitest run');
  });
});

describe('the layout of a workspace suite', () => {
  const repo = memoryRepo({
    'package.json': JSON.stringify({ workspaces: ['packages/*'] }),
    'packages/dates/package.json': JSON.stringify({ scripts: { test: 'vitest run' } }),
    'packages/dates/vitest.config.mts':
      "export default { test: { include: ['spec/**/*.spec.ts'], setupFiles: ['./setup.ts'] } };",
    'packages/dates/spec/leap.spec.ts': '',
    'packages/money/package.json': JSON.stringify({
      scripts: { test: 'jest' },
      jest: { testMatch: ['<rootDir>/checks/**/*.check.js'], setupFiles: ['<rootDir>/jest.setup.js'] },
    }),
    'packages/money/checks/cents.check.js': '',
    'packages/money/index.js': '',
    'checks/cents.check.js': '',
  });

  it("reads each package's runner configuration in its folder and puts the globs under it", async () => {
    const layout = await readLayout(PACKAGES, repo);
    expect(layout.tests).toEqual(['packages/dates/spec/**/*.spec.ts', 'packages/money/checks/**/*.check.js']);
    expect(layout.namedFiles).toEqual(['packages/dates/setup.ts', 'packages/money/jest.setup.js']);
    expect(layout.source).toBe(
      'packages/dates: test.include in vitest.config.mts; packages/money: testMatch in package.json "jest"',
    );
    const { kindOf } = pathClassifier(
      { test: Config.parse({ test: PACKAGES }).test, paths: { allow: ['**'], deny: [] } },
      layout,
    );
    expect(kindOf('packages/money/checks/cents.check.js')).toBe('test');
    expect(kindOf('packages/dates/spec/leap.spec.ts')).toBe('test');
    // A file the money package's jest would not find is not its test, wherever the same glob would match.
    expect(kindOf('checks/cents.check.js')).toBe('production');
    expect(kindOf('packages/money/index.js')).toBe('production');
    expect(kindOf('packages/dates/setup.ts')).toBe('test_config');
  });

  it('locks each package runner configuration and the files it names', async () => {
    const config = { test: Config.parse({ test: PACKAGES }).test, paths: { allow: ['**'], deny: [] } };
    expect(await lockedConfigPaths(config, repo)).toEqual([
      'packages/dates/setup.ts',
      'packages/dates/vitest.config.mts',
      'packages/money/jest.setup.js',
    ]);
  });
});

describe('detecting workspace packages', () => {
  const mixed = {
    'packages/a/package.json': JSON.stringify({ scripts: { test: 'jest' } }),
    'packages/b/package.json': JSON.stringify({ devDependencies: { vitest: '4' } }),
  };

  it('pnpm-workspace.yaml and the yarn {packages: [...]} form both give one runner per package', async () => {
    for (const files of [
      { 'package.json': '{}', 'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n", ...mixed },
      { 'package.json': JSON.stringify({ workspaces: { packages: ['packages/*'] } }), ...mixed },
    ]) {
      const found = await detectProject(memoryRepo(files));
      expect(found.kind).toBe('packages');
      if (found.kind === 'packages')
        expect(found.packages.map((p) => [p.dir, p.runner])).toEqual([
          ['packages/a', 'jest'],
          ['packages/b', 'vitest'],
        ]);
    }
  });

  it('a package without tests needs no runner; one with tests and no runner is refused with what to do', async () => {
    const base = { 'package.json': JSON.stringify({ workspaces: ['packages/*'] }), ...mixed };
    const quiet = await detectProject(
      memoryRepo({ ...base, 'packages/c/package.json': '{}', 'packages/c/x.js': '' }),
    );
    expect(quiet.kind === 'packages' && quiet.untested).toEqual(['packages/c']);
    const loud = await detectProject(
      memoryRepo({ ...base, 'packages/c/package.json': '{}', 'packages/c/x.test.js': '' }),
    );
    expect(loud.kind).toBe('unsupported');
    if (loud.kind === 'unsupported') {
      expect(loud.problem).toContain('packages/c has test files (x.test.js) but no test runner');
      expect(loud.fix).toContain('packages/c/package.json');
    }
    const rooted = await detectProject(memoryRepo({ ...base, 'test/root.test.js': '' }));
    expect(rooted.kind === 'unsupported' && rooted.problem).toContain('test/root.test.js is a test outside');
  });

  it('packages on one runner stay one root runner, as before', async () => {
    const found = await detectProject(
      memoryRepo({
        'package.json': JSON.stringify({ workspaces: ['packages/*'] }),
        'packages/a/package.json': JSON.stringify({ scripts: { test: 'jest' } }),
        'packages/b/package.json': JSON.stringify({ scripts: { test: 'jest --ci' } }),
      }),
    );
    expect(found.kind === 'single' && found.detected).toMatchObject({ runner: 'jest', dir: '' });
  });
});

describe('running a workspace suite', () => {
  const files = {
    'package.json': JSON.stringify({ workspaces: ['packages/*'] }),
    'packages/one/package.json': JSON.stringify({ scripts: { test: 'node --test' } }),
    'packages/one/sum.test.js':
      "const test = require('node:test');\nconst assert = require('node:assert');\ntest('adds', () => assert.equal(1 + 1, 2));\n",
    'packages/two/package.json': JSON.stringify({ scripts: { test: 'node --test' } }),
    'packages/two/sum.test.js':
      "const test = require('node:test');\nconst assert = require('node:assert');\ntest('fails', () => assert.equal(1 + 1, 3));\n",
  };
  const config = Config.parse({
    test: {
      packages: [
        { dir: 'packages/one', runner: 'node' },
        { dir: 'packages/two', runner: 'node' },
      ],
    },
  });
  const isTestFile = (p: string) => p.endsWith('.test.js');

  it('runs every package in its folder and reports repo paths; a targeted run runs only the packages it needs', async () => {
    const worktree = await realpath(await makeRepo(files));
    const full = await runTests({ worktree, config, files: [], isTestFile });
    expect(full.report.tests.map((t) => [t.id, t.state])).toEqual([
      ['packages/one/sum.test.js > adds', 'passed'],
      ['packages/two/sum.test.js > fails', 'failed'],
    ]);
    expect(full.report.exitCode).toBe(1);
    const one = await runTests({ worktree, config, files: ['packages/one/sum.test.js'], isTestFile });
    expect(one.argv.slice(0, 3)).toEqual(['cd', 'packages/one', '&&']);
    expect(one.argv).not.toContain('packages/two');
    expect(one.report.tests.map((t) => [t.id, t.state])).toEqual([
      ['packages/one/sum.test.js > adds', 'passed'],
    ]);
    expect(one.report.exitCode).toBe(0);
  });

  it('a test file in no package is reported, not silently skipped', async () => {
    const worktree = await realpath(await makeRepo({ ...files, 'test/root.test.js': '' }));
    const run = await runTests({
      worktree,
      config,
      files: ['packages/one/sum.test.js', 'test/root.test.js'],
      isTestFile,
    });
    expect(run.report.tests.map((t) => t.id)).toEqual(['packages/one/sum.test.js > adds']);
    expect(run.report.collectionErrors).toEqual([
      expect.objectContaining({
        file: 'test/root.test.js',
        message: expect.stringContaining('in no package'),
      }),
    ]);
    expect(run.report.exitCode).toBe(1);
  });

  it('does not run in a package folder that is a link (the sandbox would mount its target writable)', async () => {
    const worktree = await realpath(await makeRepo(files));
    const outside = await realpath(await makeRepo({ 'sum.test.js': files['packages/two/sum.test.js'] }));
    await rm(join(worktree, 'packages', 'two'), { recursive: true });
    await symlink(outside, join(worktree, 'packages', 'two'), 'dir');
    const run = await runTests({ worktree, config, files: [], isTestFile });
    expect(run.report.tests.map((t) => t.id)).toEqual(['packages/one/sum.test.js > adds']);
    expect(run.report.problem?.message).toMatch(
      /^packages\/two: the package folder packages\/two is not a folder/,
    );
    expect(run.report.exitCode).toBeNull();
  });
});
