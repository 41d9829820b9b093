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
} from '../ci/pr-repo.js';

const explain = (v: CiVerdict) => JSON.stringify({ checks: v.checks, findings: v.findings }, null, 1);
const categoryOf = (v: CiVerdict, path: string) => v.changes.find((c) => c.path === path)?.category;

beforeAll(useScratchCache);
afterAll(cleanupRepos);

describe('ci check: test configuration as a whole', () => {
  let repo: PrRepo;
  beforeAll(async () => {
    repo = await prRepo({ 'src/calc.js': CALC, 'test/calc.test.js': CALC_TEST });
  });
  const check = async (head: string) => runCiCheck({ cwd: repo.dir, base: repo.base, head });

  it('fails a pull request whose only change is a babel.config.js', async () => {
    const v = await check(
      await repo.pr('babel', { 'babel.config.js': 'module.exports = { plugins: [] };\n' }),
    );
    expect(categoryOf(v, 'babel.config.js')).toBe('test_config');
    expect(v.ok, explain(v)).toBe(false);
    expect(v.findings).toContainEqual(
      expect.objectContaining({ rule: 'no_test_evidence', file: 'babel.config.js' }),
    );
  });

  it('counts a "mocha" key added to package.json as test configuration', async () => {
    const pkg = JSON.stringify({
      name: 'pr-fixture',
      type: 'module',
      private: true,
      mocha: { require: './x.js' },
    });
    const v = await check(await repo.pr('mocha-key', { 'package.json': pkg }));
    expect(categoryOf(v, 'package.json')).toBe('test_config');
    expect(v.ok, explain(v)).toBe(false);
  });

  it('counts a file node --test discovers (src/calc_test.js) as a test, not production code', async () => {
    const test = `import { it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { average } from './calc.js';\n\nit('averages [] as 0', () => {\n  assert.equal(average([]), 0);\n});\n`;
    const v = await check(
      await repo.pr('calc-test', { 'src/calc.js': CALC_FIXED, 'src/calc_test.js': test }),
    );
    expect(categoryOf(v, 'src/calc_test.js')).toBe('test');
    expect(v.ok, explain(v)).toBe(true);
  });
});

describe('ci check: pytest', () => {
  let repo: PrRepo;
  beforeAll(async () => {
    repo = await prRepo({
      'agentctl.config.json': JSON.stringify({ test: { runner: 'pytest' } }),
      'pyproject.toml': '[tool.pytest.ini_options]\ntestpaths = ["testing"]\npythonpath = ["."]\n',
      'shapes.py': 'def area(w, h):\n    return w * h\n',
      'testing/test_area.py': 'from shapes import area\n\n\ndef test_area():\n    assert area(2, 3) == 6\n',
      'testing/test_square.py':
        'from shapes import area\n\n\ndef test_square():\n    assert area(3, 3) == 9\n',
    });
  });

  it('fails a pull request that deletes a test file: pytest reports through --junitxml', async () => {
    const v = await runCiCheck({
      cwd: repo.dir,
      base: repo.base,
      head: await repo.pr('delete', {
        'testing/test_square.py': null,
        'shapes.py': 'def area(w, h):\n    return h * w\n',
      }),
    });
    expect(v.ok, explain(v)).toBe(false);
    expect(v.findings).toContainEqual(expect.objectContaining({ rule: 'tests_lost' }));
    expect(v.findings.find((f) => f.rule === 'tests_lost')?.message).toContain(
      'head collects 1 tests, base 2',
    );
  });
});
