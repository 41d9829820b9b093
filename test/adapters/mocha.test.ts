import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../src/core/report.js';
import { mochaAdapter } from '../../gates/adapters/mocha.js';
import { CALC_ESM, SLOW, runnerProject, testById } from './runner-project.js';
import type { RunnerProject } from './runner-project.js';

const MAIN = `import assert from 'node:assert/strict';
import { add, boom, later } from '../src/calc.js';
describe('calc', () => {
  it('passes', () => { assert.equal(add(1, 2), 3); });
  it('asserts', () => { assert.equal(add(1, 2), 4); });
  it('crashes', () => { boom(); });
  it('not implemented', () => { later(); });
  it('type error', () => { const none = undefined; none.call(); });
  it('slow', async function () { this.timeout(100); await ${SLOW}; });
  it.skip('skipped', () => {});
  it('later');
  describe('inner', () => { it('deeper', () => { assert.equal(add(0, 0), 0); }); });
});
describe('hooked', () => {
  beforeEach(() => { throw new Error('hook failed'); });
  it('victim', () => { assert.equal(1, 1); });
  it('second victim', () => { assert.equal(1, 1); });
});
describe('setup', () => {
  before(() => { throw new Error('before failed'); });
  it('never runs', () => { assert.equal(1, 1); });
});
`;

describe('mocha adapter on real mocha runs', () => {
  let project: RunnerProject;
  let report: TestReport;
  let missing: TestReport;
  let syntax: TestReport;
  const id = (name: string) => testById(report, `test/main.test.js > ${name}`);

  beforeAll(async () => {
    project = await runnerProject(mochaAdapter, {
      'package.json': '{"type":"module"}',
      'src/calc.js': CALC_ESM,
      'test/main.test.js': MAIN,
      'test/missing.test.js': `import { nope } from '../src/nope.js';\nit('never', () => nope());\n`,
      'test/syntax.test.js': `it('broken', () => { (1 ;\n`,
    });
    // A spec file that fails to load aborts mocha's whole run, so each broken file gets its own run.
    [{ report }, { report: missing }, { report: syntax }] = await Promise.all([
      project.run(['test/main.test.js']),
      project.run(['test/missing.test.js']),
      project.run(['test/syntax.test.js']),
    ]);
  });
  afterAll(() => project.remove());

  it('keeps the describe structure in ids, which mocha json/tap flatten', () => {
    expect(id('calc > passes').state).toBe('passed');
    expect(id('calc > inner > deeper').state).toBe('passed');
  });

  it('reports pending tests as skipped (mocha has no todo)', () => {
    expect(id('calc > skipped').state).toBe('skipped');
    expect(id('calc > later').state).toBe('skipped');
  });

  it('classifies assertion failures with expected/actual, crashes and test errors', () => {
    expect(id('calc > asserts').failure).toMatchObject({ class: 'assertion', expected: '4', actual: '3' });
    expect(id('calc > crashes').failure).toMatchObject({ class: 'crash', message: 'production exploded' });
    expect(id('calc > not implemented').failure?.class).toBe('not_implemented');
    expect(id('calc > type error').failure?.class).toBe('test_error');
  });

  it('classifies timeouts and hook failures, and keeps the tests a hook kept from running', () => {
    expect(id('calc > slow').failure?.class).toBe('timeout');
    expect(id('hooked > victim').failure?.class).toBe('hook');
    expect(id('hooked > second victim')).toMatchObject({ state: 'failed', failure: { class: 'hook' } });
    expect(id('setup > never runs').failure?.class).toBe('hook');
    expect(report.collectionErrors).toContainEqual(
      expect.objectContaining({ file: 'test/main.test.js', class: 'hook', message: 'setup: before failed' }),
    );
  });

  it('never loses a file that fails to load', () => {
    expect(missing.collectionErrors).toEqual([
      expect.objectContaining({ file: 'test/missing.test.js', class: 'import' }),
    ]);
    expect(syntax.collectionErrors).toEqual([
      expect.objectContaining({ file: 'test/syntax.test.js', class: 'syntax' }),
    ]);
  });
});

describe('mocha whose configuration sets node flags', () => {
  let project: RunnerProject;
  afterAll(() => project.remove());

  it('restarts node as mocha does, and the report still arrives', async () => {
    project = await runnerProject(mochaAdapter, {
      'package.json': '{"name":"p"}',
      '.mocharc.json': '{"node-option":["no-deprecation"]}',
      'test/a.test.js': `const assert = require('node:assert');
it('runs in a node started with the option', () => { assert.equal(process.noDeprecation, true); });
it('fails', () => { assert.equal(1, 2); });
`,
    });
    const { report } = await project.run([]);
    expect(report.problem).toBeUndefined();
    expect(report.tests.map((t) => [t.name, t.state])).toEqual([
      ['runs in a node started with the option', 'passed'],
      ['fails', 'failed'],
    ]);
  });
});
