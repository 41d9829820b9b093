import { describe, expect, it } from 'vitest';
import { declaredTests } from '../../src/ci/test-diff.js';

describe('declared tests that share a name', () => {
  it('are numbered in source order, as the adapters number them in a report', () => {
    const source = `import { it } from 'node:test';
import assert from 'node:assert/strict';
it('same', () => { assert.equal(1, 1); });
it('other', () => { assert.equal(1, 1); });
it('same', () => { assert.equal(2, 2); assert.ok(true); });
`;
    const tests = declaredTests(source, 'test/a.test.js');
    expect(tests.map((t) => [t.id, t.assertions])).toEqual([
      ['test/a.test.js > same', 1],
      ['test/a.test.js > other', 1],
      ['test/a.test.js > same #2', 2],
    ]);
  });
});
