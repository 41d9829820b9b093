import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCiCheck } from '../../src/ci/check.js';
import type { CiVerdict } from '../../src/ci/verdict.js';
import { CALC, CALC_TEST, cleanupRepos, prRepo, useScratchCache, type PrRepo } from './pr-repo.js';

// Fixture pull requests for the rules that match how real tests are written (issue 14, build point 8).

const explain = (v: CiVerdict) =>
  JSON.stringify({ checks: v.checks, findings: v.findings, evidence: v.evidence, notes: v.notes }, null, 1);

const DUPLICATED = CALC_TEST.replace(
  '    assert.equal(sum([1, 2]), 3);\n',
  '    assert.equal(sum([1, 2]), 3);\n    assert.equal(sum([1, 2]), 3);\n',
);
const GREET = 'export function greet(name) {\n  return `hello, ` + name;\n}\n';
const ADD = 'export function add(a, b) {\n  return Math.abs(a) + b;\n}\n';
const CASES = 'export const CASES = [\n  [1, 2, 3],\n  [2, 5, 7],\n];\n';
const ADD_TEST = `import { it } from 'node:test';
import assert from 'node:assert/strict';
import { add } from '../src/add.js';
import { CASES } from './cases.js';

for (const [a, b, sum] of CASES) {
  it(\`adds \${a} + \${b}\`, () => {
    assert.equal(add(a, b), sum);
  });
}
`;

describe('ci check: rules that match how real tests are written (node:test)', () => {
  let repo: PrRepo;
  const check = (head: string) => runCiCheck({ cwd: repo.dir, base: repo.base, head });

  beforeAll(async () => {
    await useScratchCache();
    repo = await prRepo({
      'src/calc.js': CALC,
      'test/calc.test.js': DUPLICATED,
      'src/greet.js': GREET,
      'src/add.js': ADD,
      'test/cases.js': CASES,
      'test/add.test.js': ADD_TEST,
    });
  });
  afterAll(cleanupRepos);

  it('a template literal turned into a plain string with the same text is not a behavior change', async () => {
    const v = await check(
      await repo.pr('literal-kind', { 'src/greet.js': GREET.replace('`hello, `', "'hello, '") }),
    );
    expect(v.ok, explain(v)).toBe(true);
    expect(v.changes).toEqual([expect.objectContaining({ path: 'src/greet.js', behaviorChanging: false })]);
    expect(v.checks.find((c) => c.id === 'evidence')?.status).toBe('skipped');
  });

  it('new rows in a data file an unchanged spec loops over are new tests, and RED evidence', async () => {
    const v = await check(
      await repo.pr('table-rows', {
        'src/add.js': ADD.replace('Math.abs(a) + b', 'a + b'),
        'test/cases.js': CASES.replace('  [2, 5, 7],\n', '  [2, 5, 7],\n  [-1, -2, -3],\n'),
      }),
    );
    expect(v.ok, explain(v)).toBe(true);
    expect(v.evidence.filter((e) => e.counts).map((e) => e.id)).toEqual(['test/add.test.js > adds -1 + -2']);
  });

  it('a changed data file with no fix is a changed test that passes on base, not "no new or changed test"', async () => {
    const v = await check(
      await repo.pr('table-only-code', {
        'src/add.js': ADD.replace('Math.abs(a) + b', 'a + b'),
        'test/cases.js': CASES.replace('[2, 5, 7]', '[3, 5, 8]'),
      }),
    );
    expect(v.ok).toBe(false);
    expect(v.checks.find((c) => c.id === 'evidence')?.summary, explain(v)).not.toBe('no new or changed test');
    expect(v.evidence.map((e) => e.id)).toContain('test/add.test.js > adds 3 + 5');
    expect(v.findings.map((f) => f.rule)).toContain('test_passes_on_base');
  });

  it('a renamed describe renames its tests: not deleted, and the report says so', async () => {
    const v = await check(
      await repo.pr('rename-describe', {
        'test/calc.test.js': DUPLICATED.replace("describe('calc'", "describe('calculator'"),
      }),
    );
    expect(v.ok, explain(v)).toBe(true);
    expect(v.findings).toEqual([]);
    expect(v.notes).toEqual([
      'renamed, not deleted (body unchanged): test/calc.test.js > calc > averages numbers → test/calc.test.js > calculator > averages numbers',
      'renamed, not deleted (body unchanged): test/calc.test.js > calc > sums numbers → test/calc.test.js > calculator > sums numbers',
    ]);
  });

  it('removing an exact duplicate assertion is not weakening; removing a distinct one still is', async () => {
    const dedup = await check(await repo.pr('dedup', { 'test/calc.test.js': CALC_TEST }));
    expect(dedup.ok, explain(dedup)).toBe(true);
    const weaker = await check(
      await repo.pr('weaken', {
        'test/calc.test.js': DUPLICATED.replace('    assert.equal(sum([]), 0);\n', ''),
      }),
    );
    expect(weaker.findings).toEqual([
      expect.objectContaining({
        rule: 'assertions_removed',
        message: 'test/calc.test.js > calc > sums numbers lost assertions: 2 on base, 1 on head',
      }),
    ]);
  });
});
