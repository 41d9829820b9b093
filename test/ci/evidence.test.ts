/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
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
  withTest,
  type PrRepo,
} from './pr-repo.js';

const SHAPES = `export function area(w, h) {
  return w * h;
}
`;
const MEDIAN = `
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
`;

let repo: PrRepo;
const check = async (head: string): Promise<CiVerdict> => runCiCheck({ cwd: repo.dir, base: 'main', head });
const explain = (v: CiVerdict) =>
  JSON.stringify({ checks: v.checks, findings: v.findings, evidence: v.evidence }, null, 1);

beforeAll(async () => {
  await useScratchCache();
  repo = await prRepo({ 'src/calc.js': CALC, 'src/shapes.ts': SHAPES, 'test/calc.test.js': CALC_TEST });
});
afterAll(cleanupRepos);

describe('ci check: RED evidence for a behavior change (node:test repos)', () => {
  it('passes a fix that carries a test failing on base by assertion and passing on head', async () => {
    const head = await repo.pr('fix-with-test', {
      'src/calc.js': CALC_FIXED,
      'test/calc.test.js': withTest(
        `  it('averages [] as 0', () => {\n    assert.equal(average([]), 0);\n  });`,
      ),
    });
    const v = await check(head);
    expect(v.ok, explain(v)).toBe(true);
    expect(v.evidence).toEqual([
      expect.objectContaining({
        id: 'test/calc.test.js > calc > averages [] as 0',
        counts: true,
        onHead: 'passed',
      }),
    ]);
    expect(v.evidence[0]?.onBase).toMatch(/fails by assertion/);
    expect(v.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
  });

  it('fails the same fix without a test, naming the behavior-changing file', async () => {
    const v = await check(await repo.pr('fix-without-test', { 'src/calc.js': CALC_FIXED }));
    expect(v.ok).toBe(false);
    expect(v.findings).toEqual([
      expect.objectContaining({
        rule: 'no_test_evidence',
        file: 'src/calc.js',
        line: 2,
        message: expect.stringMatching(/src\/calc\.js changes behavior .* adds or changes no test/),
      }),
    ]);
  });

  it('exempts comment, formatting and type-annotation-only changes', async () => {
    const head = await repo.pr('cosmetic', {
      'src/calc.js': `/** Arithmetic helpers. */\nexport function average(xs) {\n  // the mean\n  return xs.reduce((a, b) => a + b, 0) / xs.length\n}\n\nexport function sum(xs) { return xs.reduce((a, b) => a + b, 0) }\n`,
      'src/shapes.ts': `export interface Size { w: number; h: number }\nexport function area(w: number, h: number): number {\n  return (w as number) * h;\n}\n`,
      'README.md': '# calc\n',
    });
    const v = await check(head);
    expect(v.ok, explain(v)).toBe(true);
    expect(v.changes.every((c) => !c.behaviorChanging)).toBe(true);
    expect(v.checks.find((c) => c.id === 'evidence')?.status).toBe('skipped');
  });

  it('passes a new exported function whose test checks its result: the stub rule', async () => {
    const head = await repo.pr('median-checked', {
      'src/calc.js': CALC + MEDIAN,
      'test/median.test.js': `import { it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { median } from '../src/calc.js';\n\nit('median of three', () => {\n  assert.equal(median([3, 1, 2]), 2);\n});\n`,
    });
    const v = await check(head);
    expect(v.ok, explain(v)).toBe(true);
    expect(v.evidence).toEqual([
      expect.objectContaining({
        id: 'test/median.test.js > median of three',
        counts: true,
        stubbed: ['src/calc.js#median'],
      }),
    ]);
  });

  it('fails a new exported function whose test only calls it without checking anything', async () => {
    const head = await repo.pr('median-unchecked', {
      'src/calc.js': CALC + MEDIAN,
      'test/median.test.js': `import { it } from 'node:test';\nimport { median } from '../src/calc.js';\n\nit('median runs', () => {\n  median([3, 1, 2]);\n});\n`,
    });
    const v = await check(head);
    expect(v.ok).toBe(false);
    const finding = v.findings.find((f) => f.testId === 'test/median.test.js > median runs');
    expect(finding).toMatchObject({ rule: 'test_passes_on_base', file: 'test/median.test.js', line: 4 });
    expect(finding?.message).toMatch(/passes on base once median is stubbed/);
    expect(v.findings.some((f) => f.rule === 'no_test_evidence' && f.file === 'src/calc.js')).toBe(true);
  });
});
