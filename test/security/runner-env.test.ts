/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCiCheck } from '../../src/ci/check.js';
import { gitOut } from '../helpers/fixture-repo.js';
import { call, startMockMessagesApi, turn, type MockMessagesApi } from '../helpers/mock-messages-api.js';
import { CALC, CALC_TEST, cleanupRepos, prRepo, useScratchCache, withTest } from '../ci/pr-repo.js';
import { repliesFromCassette } from '../model/helpers.js';
import { agentBranches, runWithMock } from '../model/run-helpers.js';

const ORIGINAL = '  return sum(numbers) / numbers.length;';
/** A "fix" that returns the expected answer only when node:test runs it: GREEN would pass, the bug would stay. */
const CHEAT = `  if (process.env.NODE_TEST_CONTEXT !== undefined && numbers.length === 0) return 0;\n${ORIGINAL}`;

let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());
beforeAll(useScratchCache);
afterAll(cleanupRepos);

describe('a fix that reads the test runner environment', () => {
  it('is refused by policy in a run, with file and line named, and counted as an attempt', async () => {
    const { replies } = await repliesFromCassette('happy-path');
    const cheat = call('propose_fix', {
      summary: 'Return 0 for an empty list.',
      edits: [{ op: 'replace', path: 'src/calc.js', find: ORIGINAL, replace: CHEAT }],
    });
    const r = await runWithMock(api, [...replies.slice(0, 4), turn('The fix.', cheat), replies[4]!]);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history).toEqual([
      expect.objectContaining({
        kind: 'scope',
        reason: expect.stringMatching(/src\/calc\.js:12: the fix reads NODE_TEST_CONTEXT.*rule runner_env/),
      }),
    ]);
    // The model heard why, and the committed code is the honest fix.
    expect(JSON.stringify(api.requests.at(-1)!.body.messages)).toContain('the fix reads NODE_TEST_CONTEXT');
    expect(await agentBranches(r.repo)).toContain('agentctl/');
    if (r.state.phase !== 'DONE') return;
    const committed = await gitOut(r.repo, ['show', `${r.state.commit.sha}:src/calc.js`]);
    expect(committed).not.toContain('NODE_TEST_CONTEXT');
    expect(committed).toContain('numbers.length === 0');
  });

  it('fails ci check although its test fails on base and passes on head', async () => {
    const repo = await prRepo({ 'src/calc.js': CALC, 'test/calc.test.js': CALC_TEST });
    const head = await repo.pr('cheat', {
      'src/calc.js': CALC.replace(
        '{\n  return xs.reduce',
        '{\n  if (process.env.NODE_TEST_CONTEXT && xs.length === 0) return 0;\n  return xs.reduce',
      ),
      'test/calc.test.js': withTest(
        `  it('averages [] as 0', () => {\n    assert.equal(average([]), 0);\n  });`,
      ),
    });
    const v = await runCiCheck({ cwd: repo.dir, base: 'main', head });
    expect(v.ok).toBe(false);
    // Every other check is satisfied: only the policy stands between this cheat and a green check.
    expect(v.checks.map((c) => [c.id, c.status])).toEqual([
      ['behavior', 'pass'],
      ['evidence', 'pass'],
      ['integrity', 'pass'],
      ['runner_env', 'fail'],
      ['suite', 'pass'],
    ]);
    expect(v.findings).toEqual([
      expect.objectContaining({ rule: 'runner_env', file: 'src/calc.js', line: 2 }),
    ]);
  });
});
