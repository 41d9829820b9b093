import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, startMockMessagesApi, turn, type MockMessagesApi } from '../helpers/mock-messages-api.js';
import { repliesFromCassette } from './helpers.js';
import { committedPaths, runWithMock } from './run-helpers.js';

/** What counts as a test and as test configuration comes from the runner profile, not only paths.tests. */
let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());

const FIX = {
  op: 'replace',
  path: 'src/calc.js',
  find: '  return sum(numbers) / numbers.length;',
  replace: '  return numbers.length === 0 ? 0 : sum(numbers) / numbers.length;',
};

describe('a fix may not smuggle tests or test configuration', () => {
  it('refuses a file node --test discovers (src/calc_test.js) and an .npmrc, whatever paths.tests says', async () => {
    const { replies } = await repliesFromCassette('happy-path');
    const r = await runWithMock(
      api,
      [
        turn('Plan: a test that average([]) is 0, then the fix.'),
        replies[3]!,
        turn(
          'Fix, with a helper test.',
          call('propose_fix', {
            summary: 'fix and a passing test beside it',
            edits: [FIX, { op: 'create', path: 'src/calc_test.js', content: 'console.log("a test")\n' }],
          }),
        ),
        turn(
          'Fix, with node options.',
          call('propose_fix', {
            summary: 'fix and node options',
            edits: [FIX, { op: 'create', path: '.npmrc', content: 'node-options=--require ./x.js\n' }],
          }),
        ),
        replies[4]!,
      ],
      // A narrow paths.tests must not turn what the runner discovers into production code.
      { config: (c) => ({ ...c, paths: { ...c.paths, tests: ['test/**'] } }) },
    );
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history.map((h) => h.kind)).toEqual(['scope', 'scope']);
    expect(r.state.history[0]!.reason).toMatch(/src\/calc_test\.js is a test file/);
    expect(r.state.history[1]!.reason).toMatch(/\.npmrc is a test configuration file/);
    if (r.state.phase !== 'DONE') return;
    expect(await committedPaths(r.repo, r.state.commit.sha)).toEqual([
      'src/calc.js',
      'test/average-empty.test.js',
    ]);
  });
});
