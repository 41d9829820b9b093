import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, startMockMessagesApi, turn, type MockMessagesApi } from '../helpers/mock-messages-api.js';
import { repliesFromCassette } from '../model/helpers.js';
import { committedPaths, runWithMock } from '../model/run-helpers.js';
import { gitOut } from '../helpers/fixture-repo.js';

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

/** One fix attempt: the real fix plus a file that would change how the tests run. */
const withExtra = (label: string, extra: Record<string, string>) =>
  turn(
    `Fix, with ${label}.`,
    call('propose_fix', {
      summary: `fix and ${label}`,
      edits: [FIX, ...Object.entries(extra).map(([path, content]) => ({ op: 'create', path, content }))],
    }),
  );

describe('test configuration is locked as a whole, in a real run', () => {
  it('refuses each way of changing how the tests run; the user checkout and the commit hold none of them', async () => {
    const { replies } = await repliesFromCassette('happy-path');
    const attempts: Array<[string, Record<string, string>, RegExp]> = [
      [
        'a babel config',
        { 'babel.config.js': 'module.exports = { plugins: ["./rewrite-expect"] };\n' },
        /babel\.config\.js/,
      ],
      ['a node-options file', { '.npmrc': 'node-options=--require ./pass.js\n' }, /\.npmrc/],
      [
        'a rewritten agentctl config',
        { 'agentctl.config.json': '{"test":{"runner":"node","command":["true"]}}\n' },
        /agentctl\.config\.json/,
      ],
      ['a mocha setup key', { '.mocharc.json': '{"require":["./pass.js"]}\n' }, /\.mocharc\.json/],
    ];
    let status = '';
    const r = await runWithMock(
      api,
      [
        turn('Plan: a test that average([]) is 0, then the fix.'),
        replies[3]!,
        ...attempts.map(([label, extra]) => withExtra(label, extra)),
        replies[4]!,
      ],
      {
        config: (c) => ({ ...c, repair: { ...c.repair, maxAttempts: attempts.length + 1 } }),
        prepare: async (repo) => {
          status = await gitOut(repo, ['status', '--porcelain']);
        },
      },
    );
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history.map((h) => h.kind)).toEqual(attempts.map(() => 'scope'));
    attempts.forEach(([, , name], i) => expect(r.state.history[i]!.reason).toMatch(name));
    if (r.state.phase !== 'DONE') return;
    // Checked from outside: the commit holds the test and the fix only; the user's checkout is as it was.
    expect(await committedPaths(r.repo, r.state.commit.sha)).toEqual([
      'src/calc.js',
      'test/average-empty.test.js',
    ]);
    expect(await gitOut(r.repo, ['status', '--porcelain'])).toBe(status);
    for (const [, extra] of attempts)
      for (const path of Object.keys(extra))
        if (path !== 'agentctl.config.json') await expect(access(join(r.repo, path))).rejects.toThrow();
  });
});
