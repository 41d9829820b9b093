import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../gates/adapters/index.js';
import type { RawRun } from '../../gates/adapters/types.js';
import type { Runner } from '../../src/policy/config-schema.js';
import { avaAdapter } from '../../gates/adapters/ava.js';
import { jestAdapter } from '../../gates/adapters/jest.js';
import { vitestAdapter } from '../../gates/adapters/vitest.js';
import { isTestFile, runnerProject, testById } from './runner-project.js';
import type { RunnerProject } from './runner-project.js';

// A test that reads process.argv the way a CLI under test does (commander's program.parse() with no arguments).
const ARGV_CHECK = `
  const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
  expect(flags).toEqual([]);
  expect(process.argv.join(' ')).not.toMatch(/--json|--outputFile|--reporter|--testLocationInResults/);
`;

describe('no reporter flags in the tested process argv', () => {
  const projects: RunnerProject[] = [];
  afterAll(() => Promise.all(projects.map((p) => p.remove())));

  it('jest: a test calling program.parse() sees what a plain `jest <file>` shows', async () => {
    const project = await runnerProject(jestAdapter, {
      'package.json': '{}',
      'test/argv.test.js': `test('argv is plain', () => {${ARGV_CHECK}
  expect(process.argv[1]).toMatch(/jest[\\\\/]bin[\\\\/]jest\\.js$/);
  expect(process.argv.slice(2)).toEqual(['test/argv.test.js']);
});\n`,
    });
    projects.push(project);
    const { report } = await project.run(['test/argv.test.js']);
    expect(testById(report, 'test/argv.test.js > argv is plain')).toMatchObject({ state: 'passed' });
    expect(report.problem).toBeUndefined();
  });

  it('vitest: a test reading process.argv finds no --reporter', async () => {
    const project = await runnerProject(vitestAdapter, {
      'package.json': '{"type":"module"}',
      'test/argv.test.js': `import { expect, test } from 'vitest';\ntest('argv is plain', () => {${ARGV_CHECK}});\n`,
    });
    projects.push(project);
    const { report } = await project.run(['test/argv.test.js']);
    expect(testById(report, 'test/argv.test.js > argv is plain')).toMatchObject({ state: 'passed' });
  });

  it('keeps the reporter flags for a custom test.command, where no launcher can stand in', () => {
    const spec = jestAdapter.plan({ command: ['yarn', 'jest'], files: [], reportFile: '/r' });
    expect(spec.argv).toEqual(['yarn', 'jest', '--json', '--outputFile=/r', '--testLocationInResults']);
  });
});

describe('tests that share a name stay apart, the same way on every run', () => {
  const projects: RunnerProject[] = [];
  afterAll(() => Promise.all(projects.map((p) => p.remove())));
  const ASSERT = "import assert from 'node:assert/strict';";
  const SAME = (imports: string) => `${imports}
describe('group', () => {
  it('same', () => { assert.equal(1, 1); });
  it('same', () => { assert.equal(1, 2); });
  it('same', () => { assert.equal(2, 2); });
});\n`;

  it.each([
    ['vitest', `import { describe, it } from 'vitest';\n${ASSERT}`],
    ['jest', `const assert = require('node:assert/strict');`],
    ['mocha', ASSERT],
    ['node', `import { describe, it } from 'node:test';\n${ASSERT}`],
  ] as const)('%s', async (runner, imports) => {
    const pkg = runner === 'jest' ? '{}' : '{"type":"module"}';
    const project = await runnerProject(adapterFor(runner), {
      'package.json': pkg,
      'test/same.test.js': SAME(imports),
    });
    projects.push(project);
    const [first, second] = await Promise.all([
      project.run(['test/same.test.js']),
      project.run(['test/same.test.js']),
    ]);
    const states = (r: typeof first) => r.report.tests.map((t) => [t.id, t.state]);
    expect(states(first)).toEqual([
      ['test/same.test.js > group > same', 'passed'],
      ['test/same.test.js > group > same #2', 'failed'],
      ['test/same.test.js > group > same #3', 'passed'],
    ]);
    expect(states(second)).toEqual(states(first));
  });
});

describe('a runner that is not installed is said at once, without the registry', () => {
  let dir: string;
  beforeAll(async () => {
    // No node_modules at all, and a registry that cannot answer: nothing may try to fetch the runner.
    dir = await realpath(await mkdtemp(join(tmpdir(), 'agentctl-noinstall-')));
    await writeFile(join(dir, 'package.json'), '{}');
    await writeFile(join(dir, 'a.test.js'), "test('a', () => {});\n");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(['jest', 'vitest', 'mocha', 'ava'] as const)('%s', async (runner: Runner) => {
    const adapter = adapterFor(runner);
    const spec = adapter.plan({ files: ['a.test.js'], reportFile: join(dir, `${runner}.out`) });
    const [cmd, ...args] = spec.argv;
    const started = Date.now();
    const result = await execa(cmd!, args, {
      cwd: dir,
      env: { ...spec.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_offline: 'true' },
      reject: false,
      timeout: 20_000,
    });
    const raw: RawRun = {
      argv: spec.argv,
      exitCode: result.exitCode ?? null,
      stdout: String(result.stdout),
      stderr: String(result.stderr),
      timedOut: result.timedOut,
      durationMs: Date.now() - started,
    };
    const report = adapter.parse(raw, { cwd: dir, isTestFile, files: ['a.test.js'] });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report.problem?.kind).toBe('runner_missing');
    expect(report.problem?.message).toMatch(
      new RegExp(`^${runner} is not installed here: run npm install \\(\``),
    );
    expect(report.collectionErrors[0]?.message).toBe(report.problem?.message);
  });
});

describe('ava', () => {
  let project: RunnerProject;
  afterAll(() => project.remove());

  it('reads a root test.js next to test files in a folder', async () => {
    project = await runnerProject(avaAdapter, {
      'package.json': '{"type":"module","ava":{"files":["test.js","test/**/*.test.js"]}}',
      'test.js': "import test from 'ava';\ntest('root', (t) => { t.is(1, 2); });\n",
      'test/other.test.js': "import test from 'ava';\ntest('other', (t) => { t.pass(); });\n",
    });
    const { report } = await project.run(['test.js', 'test/other.test.js']);
    expect(testById(report, 'test.js > root').failure).toMatchObject({
      class: 'assertion',
      expected: '2',
      actual: '1',
    });
    expect(testById(report, 'test/other.test.js > other').state).toBe('passed');
    expect(report.problem).toBeUndefined();
  });

  it('reads a thrown error ava 1.x puts under `values`', () => {
    const tap = `TAP version 13
not ok 1 - calls the new function
  ---
    name: AssertionError
    message: Error thrown in test
    values:
      'Error thrown in test:': |-
        TypeError {
          message: 'calc.double is not a function',
        }
    at: 'Test.fn (test/calc.test.js:4:8)'
  ...

1..1
# tests 1
# pass 0
# fail 1
`;
    const raw: RawRun = { exitCode: 1, stdout: tap, stderr: '', timedOut: false, durationMs: 5 };
    const report = avaAdapter.parse(raw, { cwd: '/repo', isTestFile, files: ['test/calc.test.js'] });
    expect(report.tests[0]?.failure).toMatchObject({
      class: 'test_error',
      message: 'calc.double is not a function',
    });
    expect(report.problem).toBeUndefined();
  });

  it('treats TAP output cut before its plan line as unusable', () => {
    const raw: RawRun = {
      exitCode: null,
      stdout: 'TAP version 13\nok 1 - a\n',
      stderr: '',
      timedOut: false,
      durationMs: 5,
    };
    const report = avaAdapter.parse(raw, { cwd: '/repo', isTestFile, files: ['test/a.test.js'] });
    expect(report.problem).toMatchObject({ kind: 'bad_report' });
  });
});
