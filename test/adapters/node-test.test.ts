import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../src/core/report.js';
import { nodeTestAdapter } from '../../gates/adapters/node-test.js';
import { CALC_ESM, SLOW, runnerProject, testById } from './runner-project.js';
import type { RunnerProject } from './runner-project.js';

const MAIN = `import { before, beforeEach, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { add, boom, later } from '../src/calc.js';
describe('calc', () => {
  it('passes', () => { assert.equal(add(1, 2), 3); });
  it('asserts', () => { assert.equal(add(1, 2), 4); });
  it('crashes', () => { boom(); });
  it('not implemented', () => { later(); });
  it('type error', () => { const none = undefined; none.call(); });
  it('slow', { timeout: 100 }, async () => { await ${SLOW}; });
  it.skip('skipped', () => {});
  it.todo('later');
  describe('inner', () => { it('deeper', () => { assert.equal(add(0, 0), 0); }); });
});
describe('hooked', () => {
  beforeEach(() => { throw new Error('hook failed'); });
  it('victim', () => { assert.equal(1, 1); });
});
describe('setup', () => {
  before(() => { throw new Error('before failed'); });
  it('never runs', () => { assert.equal(1, 1); });
});
test('parent', async (t) => { await t.test('child', () => { assert.equal(add(1, 1), 2); }); });
`;

describe('node:test adapter on a real node --test run', () => {
  let project: RunnerProject;
  let report: TestReport;
  const id = (name: string) => testById(report, `test/main.test.js > ${name}`);

  beforeAll(async () => {
    project = await runnerProject(nodeTestAdapter, {
      'package.json': '{"type":"module"}',
      'src/calc.js': CALC_ESM,
      'test/main.test.js': MAIN,
      'test/missing.test.js': `import { it } from 'node:test';\nimport { nope } from '../src/nope.js';\nit('never', () => nope());\n`,
      'test/syntax.test.js': `import { it } from 'node:test';\nit('broken', () => { (1 ;\n`,
    });
    ({ report } = await project.run(['test/main.test.js', 'test/missing.test.js', 'test/syntax.test.js']));
  });
  afterAll(() => project.remove());

  it('reports passing, skipped and todo tests under their describe path', () => {
    expect(id('calc > passes').state).toBe('passed');
    expect(id('calc > inner > deeper').state).toBe('passed');
    expect(id('parent > child').state).toBe('passed');
    expect(id('calc > skipped').state).toBe('skipped');
    expect(id('calc > later').state).toBe('todo');
  });

  it('reads the original error under node wrapper, with expected/actual', () => {
    expect(id('calc > asserts').failure).toMatchObject({ class: 'assertion', expected: '4', actual: '3' });
  });

  it('tells a crash in production code from an error in the test code', () => {
    expect(id('calc > crashes').failure).toMatchObject({ class: 'crash', message: 'production exploded' });
    expect(id('calc > not implemented').failure?.class).toBe('not_implemented');
    expect(id('calc > type error').failure?.class).toBe('test_error');
  });

  it('classifies timeouts and hook failures', () => {
    expect(id('calc > slow').failure?.class).toBe('timeout');
    expect(id('hooked > victim').failure?.class).toBe('hook');
    expect(id('setup > never runs').failure?.class).toBe('hook');
  });

  it('never loses a file that fails to load: the error comes from its stderr', () => {
    const byFile = (file: string) => report.collectionErrors.find((e) => e.file === file);
    expect(byFile('test/missing.test.js')).toMatchObject({ class: 'import' });
    expect(byFile('test/missing.test.js')?.message).toContain('Cannot find module');
    expect(byFile('test/syntax.test.js')).toMatchObject({ class: 'syntax', message: "Unexpected token ';'" });
  });
});
