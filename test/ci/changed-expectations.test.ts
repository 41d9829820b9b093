import { describe, expect, it } from 'vitest';
import { changedExpectations } from '../../src/ci/changed-expectations.js';
import type { ChangedFile } from '../../src/ci/git-changes.js';
import { diffTests } from '../../src/ci/test-diff.js';
import { namesExpectation } from '../../gates/expectation-naming.js';

const JS_BEFORE = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSize } from '../src/size.js';

test('parses kilobytes', () => {
  const text = '1.5k';
  assert.equal(parseSize(text), 1500);
});

test('parses bytes', () => {
  assert.equal(parseSize('12'), 12);
});
`;

const PY_BEFORE = `from size import parse_size


def test_parses_kilobytes():
    value = parse_size("1.5k")
    assert value == 1500


def test_parses_bytes():
    assert parse_size("12") == 12
`;

function changed(path: string, before: string, after: string): ChangedFile[] {
  return [{ path, status: 'modified', before, after }];
}

describe('changed expectations, old → new', () => {
  it('shows only the asserting lines of a JS test whose setup and assertion both changed', () => {
    const after = JS_BEFORE.replace("const text = '1.5k';", "const text = '1.5K';").replace(
      'parseSize(text), 1500',
      'parseSize(text), 1536',
    );
    const files = changed('test/size.test.js', JS_BEFORE, after);
    expect(changedExpectations(diffTests(files), files)).toEqual([
      {
        id: 'test/size.test.js > parses kilobytes',
        old: ['assert.equal(parseSize(text), 1500);'],
        new: ['assert.equal(parseSize(text), 1536);'],
      },
    ]);
  });

  it('reads a pytest test the same way, and leaves unchanged and new tests out', () => {
    const after = `${PY_BEFORE.replace('assert value == 1500', 'assert value == 1536')}\n\ndef test_new():\n    assert parse_size("1") == 1\n`;
    const files = changed('tests/test_size.py', PY_BEFORE, after);
    expect(changedExpectations(diffTests(files), files)).toEqual([
      {
        id: 'tests/test_size.py > test_parses_kilobytes',
        old: ['assert value == 1500'],
        new: ['assert value == 1536'],
      },
    ]);
  });

  it('names a change by its function or a value, as whole words, not by a longer word containing them', () => {
    const change = {
      id: 'tests/test_size.py > test_parses_kilobytes',
      old: ['assert parse_size("1.5k") == 1500'],
      new: ['assert parse_size("1.5k") == 1536'],
    };
    expect(namesExpectation('parse_size must use 1024', change)).toBe(true);
    expect(namesExpectation('a kilobyte is 1536 bytes here', change)).toBe(true);
    expect(namesExpectation('"1.5K" is 1.5 KiB', change)).toBe(true);
    expect(namesExpectation('fix 15000 and reparse_sizes', change)).toBe(false);
  });
});
