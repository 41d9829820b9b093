import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitOut } from '../helpers/fixture-repo.js';
import { call, startMockMessagesApi, turn, type MockMessagesApi } from '../helpers/mock-messages-api.js';
import { repliesFromCassette } from '../model/helpers.js';
import { committedPaths, runWithMock } from '../model/run-helpers.js';

let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());

const realFix = {
  op: 'replace',
  path: 'src/calc.js',
  find: '  return sum(numbers) / numbers.length;',
  replace: '  if (numbers.length === 0) {\n    return 0;\n  }\n  return sum(numbers) / numbers.length;',
};

describe('control characters in proposed paths', () => {
  it('a fix writing "package-lock.json<TAB>" or a test file behind a tab is refused; neither is committed', async () => {
    const { replies } = await repliesFromCassette('happy-path');
    const lockfile = call('propose_fix', {
      summary: 'Fix average and pin the lockfile.',
      edits: [realFix, { op: 'create', path: 'package-lock.json\t', content: '{"pwned":true}\n' }],
    });
    const testFile = call('propose_fix', {
      summary: 'Fix average and relax the old test.',
      edits: [realFix, { op: 'create', path: 'test/calc.test.js\t', content: 'export {};\n' }],
    });
    const diffWithTab = call('propose_fix', {
      summary: 'The same as a diff.',
      diff: '--- /dev/null\n+++ "b/test/relaxed.test.js\\t"\n@@ -0,0 +1 @@\n+export {};\n',
    });
    const r = await runWithMock(
      api,
      [
        ...replies.slice(0, 4),
        turn('Fix and lockfile.', lockfile),
        turn('Fix and test.', testFile),
        turn('As a diff.', diffWithTab),
        turn('Just the fix.', call('propose_fix', { summary: 'Return 0 for []', edits: [realFix] })),
      ],
      { config: (c) => ({ ...c, repair: { maxAttempts: 4 } }) },
    );

    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history.map((h) => [h.kind, /\(rule control_char\)/.test(h.reason)])).toEqual([
      ['scope', true],
      ['scope', true],
      ['scope', true],
    ]);
    // The refusal shows the tab escaped, so the model and the log see exactly which name was refused.
    expect(r.state.history[0]!.reason).toContain('"package-lock.json\\t"');
    if (r.state.phase !== 'DONE') return;
    expect(await committedPaths(r.repo, r.state.commit.sha)).toEqual(
      ['src/calc.js'].concat('test/average-empty.test.js').sort(),
    );
    const tree = await gitOut(r.repo, ['ls-tree', '-r', '--name-only', r.state.commit.sha]);
    expect(tree).not.toMatch(/package-lock|relaxed/);
    expect(await gitOut(r.repo, ['show', `${r.state.commit.sha}:test/calc.test.js`])).toBe(
      (await readFile(join(r.repo, 'test/calc.test.js'), 'utf8')).trimEnd(),
    );
  });
});
