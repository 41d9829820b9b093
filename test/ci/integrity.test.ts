import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCiCheck } from '../../src/ci/check.js';
import type { CiVerdict } from '../../src/ci/verdict.js';
import {
  CALC,
  CALC_FIXED,
  CALC_TEST,
  cleanupRepos,
  prRepo,
  useScratchCache,
  type PrRepo,
} from './pr-repo.js';

let repo: PrRepo;
const check = async (head: string, allowTestChanges = false): Promise<CiVerdict> =>
  runCiCheck({ cwd: repo.dir, base: repo.base, head, allowTestChanges });
const explain = (v: CiVerdict) => JSON.stringify({ checks: v.checks, findings: v.findings }, null, 1);
const AVERAGE_EMPTY = `import { it } from 'node:test';
import assert from 'node:assert/strict';
import { average } from '../src/calc.js';

it('averages [] as 0', () => {
  assert.equal(average([]), 0);
});
`;

beforeAll(async () => {
  await useScratchCache();
  repo = await prRepo({ 'src/calc.js': CALC, 'test/calc.test.js': CALC_TEST });
});
afterAll(cleanupRepos);

describe('ci check: test integrity', () => {
  it('fails a pull request that deletes an assertion, naming the test and the counts', async () => {
    const v = await check(
      await repo.pr('weaken', {
        'test/calc.test.js': CALC_TEST.replace(/\n\s*assert\.equal\(sum\(\[\]\), 0\);/, ''),
      }),
    );
    expect(v.ok).toBe(false);
    expect(v.findings).toEqual([
      expect.objectContaining({
        rule: 'assertions_removed',
        file: 'test/calc.test.js',
        line: 9,
        testId: 'test/calc.test.js > calc > sums numbers',
        message: 'test/calc.test.js > calc > sums numbers lost assertions: 2 on base, 1 on head',
      }),
    ]);
  });

  it('fails a pull request that skips a test, unless --allow-test-changes', async () => {
    const head = await repo.pr('skip', {
      'test/calc.test.js': CALC_TEST.replace("it('averages numbers'", "it.skip('averages numbers'"),
    });
    const v = await check(head);
    expect(v.ok).toBe(false);
    expect(v.findings).toEqual([
      expect.objectContaining({
        rule: 'test_skipped',
        testId: 'test/calc.test.js > calc > averages numbers',
        line: 6,
      }),
    ]);
    const allowed = await check(head, true);
    expect(allowed.ok, explain(allowed)).toBe(true);
    expect(allowed.notes.join('\n')).toMatch(
      /allowed by --allow-test-changes: .*averages numbers is skipped/,
    );
  });

  it('fails a deleted test file: the tests are gone, the collected set shrank, and head collects none', async () => {
    const v = await check(await repo.pr('delete', { 'test/calc.test.js': null }));
    expect(v.ok).toBe(false);
    expect(v.findings.map((f) => f.rule).sort()).toEqual([
      'suite_fails',
      'test_deleted',
      'test_deleted',
      'tests_lost',
    ]);
    expect(v.findings.find((f) => f.rule === 'suite_fails')?.message).toMatch(/0 tests collected/);
  });
});

describe('ci check: a new test that fails on base for the wrong reason', () => {
  it('refuses a test with a syntax error', async () => {
    const head = await repo.pr('syntax', {
      'src/calc.js': CALC_FIXED,
      'test/average.test.js': AVERAGE_EMPTY.replace(
        'assert.equal(average([]), 0);',
        'assert.equal(average([]), 0;',
      ),
    });
    const v = await check(head);
    expect(v.ok).toBe(false);
    const finding = v.findings.find((f) => f.rule === 'test_wrong_reason');
    expect(finding, explain(v)).toMatchObject({
      file: 'test/average.test.js',
      testId: 'test/average.test.js > averages [] as 0',
    });
    expect(finding?.message).toMatch(/wrong reason: .*syntax/);
  });

  it('refuses a test that imports a module missing on both sides', async () => {
    const head = await repo.pr('missing-module', {
      'src/calc.js': CALC_FIXED,
      'test/average.test.js': AVERAGE_EMPTY.replace(
        "import { average } from '../src/calc.js';",
        "import { average } from '../src/calc.js';\nimport { helper } from '../src/nowhere.js';",
      ),
    });
    const v = await check(head);
    expect(v.ok).toBe(false);
    const finding = v.findings.find((f) => f.rule === 'test_wrong_reason');
    expect(finding?.message, explain(v)).toMatch(/wrong reason: .*import: .*Cannot find module/);
    expect(v.evidence[0]?.stubbed).toEqual([]);
  });
});
