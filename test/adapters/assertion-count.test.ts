import { describe, expect, it } from 'vitest';
import { declaredCounts } from '../../src/ci/red-judge.js';
import { declaredTests } from '../../src/ci/test-diff.js';
import { analyzeTestSource } from '../../gates/assertion-count.js';

const byName = (source: string, file = 'a.test.ts') =>
  Object.fromEntries(analyzeTestSource(source, file).map((t) => [t.name, t]));

describe('analyzeTestSource', () => {
  it('names tests by their describe path and counts expect chains', () => {
    const tests = byName(`import { describe, it, expect } from 'vitest';
describe('calc', () => {
  describe('add', () => {
    it('adds', async () => {
      const n: number = add(1, 2);
      expect(n).toBe(3);
      await expect(Promise.resolve(n)).resolves.not.toBe(4);
      expect.assertions(2);
      expect(n);
    });
  });
});`);
    expect(tests['calc > add > adds']).toEqual({
      name: 'calc > add > adds',
      line: 4,
      assertions: 2,
      modifier: 'none',
    });
  });

  it('reads modifiers, inherits them from a describe, and counts an each-table as one test', () => {
    const tests = byName(`describe.skip('off', () => { it('inner', () => { expect(1).toBe(1); }); });
it.only('focused', () => {});
it.todo('later');
xit('crossed', () => {});
test.each([[1], [2]])('row %i', (n) => { expect(n).toBeGreaterThan(0); });
it.skipIf(true)('conditional', () => {});`);
    expect(tests['off > inner']?.modifier).toBe('skip');
    expect(tests['focused']?.modifier).toBe('only');
    expect(tests['later']).toMatchObject({ modifier: 'todo', assertions: 0 });
    expect(tests['crossed']?.modifier).toBe('skip');
    expect(tests['row %i']).toMatchObject({ modifier: 'none', assertions: 1 });
    expect(tests['conditional']?.modifier).toBe('skip');
  });

  it('handles node:test options, subtests and t.assert', () => {
    const tests = byName(
      `import { test, describe, it } from 'node:test';
import assert from 'node:assert/strict';
test('skipped by option', { skip: true }, () => { assert.ok(true); });
it('todo by option', { todo: 'later' });
test('parent', async (t) => {
  assert.equal(1, 1);
  await t.test('child', (t2) => { t2.assert.strictEqual(1, 1); assert.deepEqual([], []); });
});`,
      'a.test.mjs',
    );
    expect(tests['skipped by option']).toMatchObject({ modifier: 'skip', assertions: 1 });
    expect(tests['todo by option']?.modifier).toBe('todo');
    expect(tests['parent']?.assertions).toBe(1);
    expect(tests['parent > child']?.assertions).toBe(2);
  });

  it('counts ava t.* assertions but not t.pass, and ignores hooks', () => {
    const tests = byName(
      `import test from 'ava';
test.beforeEach((t) => { t.is(1, 1); });
test('ava', (t) => { t.is(1, 1); t.deepEqual([], []); t.true(true); t.pass(); });
test.serial('only a pass', (t) => { t.pass(); });`,
      'a.test.js',
    );
    expect(Object.keys(tests)).toEqual(['ava', 'only a pass']);
    expect(tests['ava']?.assertions).toBe(3);
    expect(tests['only a pass']?.assertions).toBe(0);
  });

  it('counts chai expect/should/assert and sinon.assert once per assertion', () => {
    const tests = byName(`it('chai', function () {
  expect(x).to.equal(1);
  expect(y).to.be.true;
  x.should.have.property('a');
  should.exist(x);
  assert.strictEqual(x, 1);
  sinon.assert.calledOnce(spy);
  assertValid(x);
});`);
    expect(tests['chai']?.assertions).toBe(7);
  });

  it('follows a test body passed by name', () => {
    const tests = byName(`function checks() { expect(1).toBe(1); }
const more = () => { expect(2).toBe(2); expect(3).toBe(3); };
it('named', checks);
it('arrow', more);`);
    expect(tests['named']?.assertions).toBe(1);
    expect(tests['arrow']?.assertions).toBe(2);
  });
});

describe('titles computed from data', () => {
  it('a title concatenated from a table row matches the titles the runner prints', () => {
    const source = [
      "import { describe, expect, test } from 'vitest';",
      "const rows = [{ base: '/a', input: '/b', out: '/a/b' }];",
      "describe('withBase', () => {",
      '  for (const t of rows) {',
      "    test(JSON.stringify(t.base) + ' + ' + JSON.stringify(t.input), () => {",
      '      expect(t.out).toBe(t.out);',
      '    });',
      '  }',
      '});',
    ].join('\n');
    const declared = new Map(declaredTests(source, 'test/base.test.ts').map((t) => [t.id, t]));
    const counts = declaredCounts(declared);
    expect(counts.of('test/base.test.ts > withBase > "/a" + "/b"')).toBe(1);
    expect(counts.of('test/base.test.ts > other > "/a" + "/b"')).toBe(0);
  });
});
