import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../src/core/report.js';
import { junitAdapter } from '../../gates/adapters/junit.js';
import { CALC_ESM, SLOW, runnerProject, testById } from './runner-project.js';
import type { RunnerProject } from './runner-project.js';

const NODE_MAIN = `import { beforeEach, describe, it } from 'node:test';
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
});
describe('hooked', () => {
  beforeEach(() => { throw new Error('hook failed'); });
  it('victim', () => { assert.equal(1, 1); });
});
`;

describe('junit adapter on XML from node --test-reporter=junit', () => {
  let project: RunnerProject;
  let report: TestReport;
  // node's junit XML names no file for a test, so ids are the describe path alone.
  const id = (name: string) => testById(report, name);

  beforeAll(async () => {
    project = await runnerProject(junitAdapter, {
      'package.json': '{"type":"module"}',
      'src/calc.js': CALC_ESM,
      'test/main.test.js': NODE_MAIN,
      'test/missing.test.js': `import { it } from 'node:test';\nimport { nope } from '../src/nope.js';\nit('never', () => nope());\n`,
      'test/syntax.test.js': `import { it } from 'node:test';\nit('broken', () => { (1 ;\n`,
    });
    ({ report } = await project.run(['test/main.test.js', 'test/missing.test.js', 'test/syntax.test.js'], {
      command: ['node', '--test', '--test-reporter=junit', '--test-reporter-destination=junit.xml'],
      junitReport: 'junit.xml',
    }));
  });
  afterAll(() => project.remove());

  it('reads states, including skip and todo', () => {
    expect(id('calc > passes').state).toBe('passed');
    expect(id('calc > skipped').state).toBe('skipped');
    expect(id('calc > later').state).toBe('todo');
  });

  it('classifies from the original error node prints under cause:', () => {
    expect(id('calc > asserts').failure).toMatchObject({ class: 'assertion', expected: '4', actual: '3' });
    expect(id('calc > crashes').failure?.class).toBe('crash');
    expect(id('calc > not implemented').failure?.class).toBe('not_implemented');
    expect(id('calc > type error').failure?.class).toBe('test_error');
    expect(id('calc > slow').failure?.class).toBe('timeout');
    expect(id('hooked > victim').failure?.class).toBe('hook');
  });

  it('keeps files that failed to load as collection errors, though node writes no cause for them', () => {
    const files = report.collectionErrors.map((e) => e.file).sort();
    expect(files).toEqual(['test/missing.test.js', 'test/syntax.test.js']);
  });
});

const hasPytest = spawnSync('python3', ['-c', 'import pytest']).status === 0;

const PY_TESTS = `import pytest
from src.calc import add, boom, later
class TestCalc:
    def test_passes(self): assert add(1, 2) == 3
    def test_asserts(self): assert add(1, 2) == 4
    def test_crashes(self): boom()
    def test_not_implemented(self): later()
    def test_type_error(self): None.call()
    @pytest.mark.skip(reason='later')
    def test_skipped(self): pass
@pytest.fixture
def broken():
    raise RuntimeError('hook failed')
def test_victim(broken): assert True
`;
const PY_CALC = `def add(a, b): return a + b
def boom(): raise ValueError('production exploded')
def later(): raise NotImplementedError()
`;

describe.skipIf(!hasPytest)('junit adapter on XML from a real pytest run', () => {
  let project: RunnerProject;
  let report: TestReport;
  const id = (name: string) => testById(report, `tests/test_calc.py > ${name}`);

  beforeAll(async () => {
    project = await runnerProject(junitAdapter, {
      'src/__init__.py': '',
      'src/calc.py': PY_CALC,
      'tests/test_calc.py': PY_TESTS,
      'tests/test_missing.py': 'from src.nope import nope\ndef test_never(): assert nope\n',
      'tests/test_syntax.py': 'def test_broken(:\n    pass\n',
    });
    const pytest = [
      'python3',
      '-m',
      'pytest',
      '-q',
      '-p',
      'no:cacheprovider',
      '--continue-on-collection-errors',
    ];
    ({ report } = await project.run(['tests'], {
      command: [...pytest, '--junitxml=junit.xml'],
      junitReport: 'junit.xml',
    }));
  });
  afterAll(() => project.remove());

  it('maps dotted classnames to files and classes', () => {
    expect(id('TestCalc > test_passes').state).toBe('passed');
    expect(id('TestCalc > test_skipped').state).toBe('skipped');
  });

  it('classifies from the traceback: who raised, and what', () => {
    expect(id('TestCalc > test_asserts').failure?.class).toBe('assertion');
    expect(id('TestCalc > test_crashes').failure).toMatchObject({
      class: 'crash',
      message: 'production exploded',
    });
    expect(id('TestCalc > test_not_implemented').failure?.class).toBe('not_implemented');
    expect(id('TestCalc > test_type_error').failure?.class).toBe('test_error');
    expect(id('test_victim').failure?.class).toBe('hook');
  });

  it('turns collection failures into collection errors', () => {
    const byFile = (file: string) => report.collectionErrors.find((e) => e.file === file);
    expect(byFile('tests/test_missing.py')?.class).toBe('import');
    expect(byFile('tests/test_syntax.py')?.class).toBe('syntax');
  });
});
