import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../src/core/report.js';
import { avaAdapter } from '../../gates/adapters/ava.js';
import { CALC_ESM, SLOW, runnerProject, testById } from './runner-project.js';
import type { RunnerProject } from './runner-project.js';

const MAIN = `import test from 'ava';
import { add, boom, later } from '../src/calc.js';
test('passes', (t) => { t.is(add(1, 2), 3); });
test('asserts', (t) => { t.is(add(1, 2), 4); });
test('crashes', (t) => { boom(); t.pass(); });
test('not implemented', (t) => { later(); t.pass(); });
test('type error', (t) => { const none = undefined; none.call(); t.pass(); });
test('slow', async (t) => { t.timeout(100); await ${SLOW}; t.pass(); });
test.skip('skipped', (t) => { t.pass(); });
test.todo('later');
`;
const HOOK = `import test from 'ava';
test.beforeEach(() => { throw new Error('hook failed'); });
test('victim', (t) => { t.pass(); });
`;
const FILES = ['test/main.test.js', 'test/hook.test.js', 'test/missing.test.js', 'test/syntax.test.js'];

describe('ava adapter on real ava --tap runs', () => {
  let project: RunnerProject;
  let report: TestReport;
  let single: TestReport;
  const id = (name: string) => testById(report, `test/main.test.js > ${name}`);

  beforeAll(async () => {
    project = await runnerProject(avaAdapter, {
      'package.json': '{"type":"module"}',
      'src/calc.js': CALC_ESM,
      'test/main.test.js': MAIN,
      'test/hook.test.js': HOOK,
      'test/missing.test.js': `import test from 'ava';\nimport { nope } from '../src/nope.js';\ntest('never', (t) => { t.is(nope, 1); });\n`,
      'test/syntax.test.js': `import test from 'ava';\ntest('broken', (t) => { (1 ;\n`,
    });
    [{ report }, { report: single }] = await Promise.all([
      project.run(FILES),
      project.run(['test/hook.test.js']),
    ]);
  });
  afterAll(() => project.remove());

  it('maps ava title prefixes back to file paths', () => {
    expect(id('passes').state).toBe('passed');
    expect(testById(single, 'test/hook.test.js > victim').state).toBe('failed');
  });

  it('reports skipped and todo tests', () => {
    expect(id('skipped').state).toBe('skipped');
    expect(id('later').state).toBe('todo');
  });

  it('classifies an assertion failure and rebuilds expected/actual from the diff', () => {
    expect(id('asserts').failure).toMatchObject({ class: 'assertion', expected: '4', actual: '3' });
  });

  it('looks past the "AssertionError" label ava gives every thrown error', () => {
    expect(id('crashes').failure).toMatchObject({ class: 'crash', message: 'production exploded' });
    expect(id('not implemented').failure?.class).toBe('not_implemented');
    expect(id('type error').failure?.class).toBe('test_error');
  });

  it('classifies timeouts and hook failures', () => {
    expect(id('slow').failure?.class).toBe('timeout');
    expect(testById(report, 'test/hook.test.js > victim').failure?.class).toBe('hook');
  });

  it('never loses a file that fails to load', () => {
    const byFile = (file: string) => report.collectionErrors.find((e) => e.file === file);
    expect(byFile('test/missing.test.js')?.class).toBe('import');
    expect(byFile('test/syntax.test.js')?.class).toBe('syntax');
  });
});
