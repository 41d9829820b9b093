import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../src/core/report.js';
import { vitestAdapter } from '../../gates/adapters/vitest.js';
import { CALC_ESM, SLOW, runnerProject, testById } from './runner-project.js';
import type { RunnerProject } from './runner-project.js';

const MAIN = `import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { add, boom, later } from '../src/calc.js';
describe('calc', () => {
  it('passes', () => { expect(add(1, 2)).toBe(3); });
  it('asserts', () => { expect(add(1, 2)).toBe(4); });
  it('crashes', () => { boom(); });
  it('not implemented', () => { later(); });
  it('type error', () => { const none = undefined; none.call(); });
  it('slow', async () => { await ${SLOW}; }, 100);
  it.skip('skipped', () => {});
  it.todo('later');
  describe('inner', () => { it('deeper', () => { expect(add(0, 0)).toBe(0); }); });
});
describe('hooked', () => {
  beforeEach(() => { throw new Error('hook failed'); });
  it('victim', () => { expect(1).toBe(1); });
});
describe('deep hook', () => {
  // A throw 20 calls down: the runner's hook frames lie past node's default of 10 stack frames.
  const down = (n) => { if (n === 0) throw new RangeError('deep'); return down(n - 1) + 1; };
  beforeEach(() => { down(20); });
  it('victim', () => { expect(1).toBe(1); });
});
describe('setup', () => {
  beforeAll(() => { throw new Error('beforeAll failed'); });
  it('never runs', () => { expect(1).toBe(1); });
});
afterAll(() => { setTimeout(() => { throw new Error('late error'); }, 1); });
`;

describe('vitest adapter on a real vitest run', () => {
  let project: RunnerProject;
  let report: TestReport;
  const id = (name: string) => testById(report, `test/main.test.js > ${name}`);

  beforeAll(async () => {
    project = await runnerProject(vitestAdapter, {
      'package.json': '{"type":"module"}',
      'src/calc.js': CALC_ESM,
      'test/main.test.js': MAIN,
      'test/missing.test.js': `import { it } from 'vitest';\nimport { nope } from '../src/nope.js';\nit('never', () => nope());\n`,
      'test/syntax.test.js': `import { it } from 'vitest';\nit('broken', () => { (1 ;\n`,
    });
    ({ report } = await project.run([]));
  });
  afterAll(() => project.remove());

  it('reports passing, skipped and todo tests under their describe path', () => {
    expect(id('calc > passes').state).toBe('passed');
    expect(id('calc > inner > deeper').state).toBe('passed');
    expect(id('calc > skipped').state).toBe('skipped');
    expect(id('calc > later').state).toBe('todo');
  });

  it('classifies an assertion failure and keeps expected/actual', () => {
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
    expect(id('deep hook > victim').failure?.class).toBe('hook');
    expect(id('setup > never runs')).toMatchObject({ state: 'failed', failure: { class: 'hook' } });
    expect(report.collectionErrors).toContainEqual(
      expect.objectContaining({
        file: 'test/main.test.js',
        class: 'hook',
        message: 'setup: beforeAll failed',
      }),
    );
  });

  it('never loses a file that fails to load, nor an unhandled error', () => {
    const byFile = (file: string) =>
      report.collectionErrors.find((e) => e.file === file && e.class !== 'hook');
    expect(byFile('test/missing.test.js')?.class).toBe('import');
    expect(byFile('test/syntax.test.js')?.class).toBe('syntax');
    expect(report.collectionErrors.some((e) => e.message.includes('late error'))).toBe(true);
    expect(report.exitCode).toBe(1);
  });
});
