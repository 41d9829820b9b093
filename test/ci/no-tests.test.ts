/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCiCheck } from '../../src/ci/check.js';
import { renderMarkdown } from '../../src/ci/report-markdown.js';
import { CALC, CALC_TEST, cleanupRepos, prRepo, useScratchCache, type PrRepo } from './pr-repo.js';

let repo: PrRepo;

beforeAll(async () => {
  await useScratchCache();
  repo = await prRepo({ 'src/calc.js': CALC, 'test/calc.test.js': CALC_TEST });
});
afterAll(cleanupRepos);

describe('ci check: no green without tests', () => {
  it('fails a pull request that deletes the only test file with "0 tests collected", even when test changes are allowed', async () => {
    const head = await repo.pr('delete-tests', {
      'test/calc.test.js': null,
      'src/calc.js': `${CALC}\n// tidy\n`,
    });
    const v = await runCiCheck({ cwd: repo.dir, base: repo.base, head, allowTestChanges: true });
    expect(v.ok).toBe(false);
    const suite = v.findings.filter((f) => f.check === 'suite');
    expect(suite.map((f) => f.message).join('\n')).toMatch(
      /^the full suite on head proves nothing: node collected no tests \(0 tests collected\): `node --test/m,
    );
    expect(v.checks.find((c) => c.id === 'suite')?.status).toBe('fail');
    expect(v.runnerOutput).toEqual([
      expect.objectContaining({ side: 'head', message: expect.stringMatching(/0 tests collected/) }),
    ]);
    expect(renderMarkdown(v)).toMatch(/### Runner output on head\n\nnode collected no tests/);
  });
});
