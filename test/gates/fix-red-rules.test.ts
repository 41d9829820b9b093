import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRODUCTION_VALUE_RULE } from '../../gates/production-use.js';
import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import { resolveModel } from '../../src/model/resolve.js';
import { policyApprover } from '../../src/policy/approval.js';
import { startFix } from '../../src/runtime/session.js';
import { collectingProgress, fixtureRepo } from '../helpers/fixture-repo.js';
import { expectReplays } from '../helpers/replay.js';

const HEADER = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n";
const proposeTest = (content: string) => ({
  expect: 'AUTHOR_TEST',
  text: 'A test first.',
  calls: [
    {
      name: 'propose_test',
      input: {
        summary: 'Add a test that average([]) is 0.',
        edits: [{ op: 'create', path: 'test/average-empty.test.js', content }],
      },
    },
  ],
});

/** The model's side: two tests that fail on nothing production computes, then a real one, then the fix. */
const CASSETTE = {
  version: 1,
  name: 'unrelated-red',
  description: 'assert.fail() and a src/FIXED check are refused at RED; a test of average([]) is accepted.',
  task: 'average() of an empty list should return 0, not NaN',
  turns: [
    {
      expect: 'ORIENT',
      text: 'Reading the module.',
      calls: [{ name: 'read_file', input: { path: 'src/calc.js' } }],
    },
    { expect: 'ORIENT', text: 'Plan: a failing test of average([]), then return 0 early.', calls: [] },
    proposeTest(
      `${HEADER}import { sum } from '../src/calc.js';\n\ntest('average of an empty list is 0', () => {\n  assert.equal(sum([1]), 1);\n  assert.fail('not fixed yet');\n});\n`,
    ),
    proposeTest(
      `${HEADER}import { existsSync } from 'node:fs';\nimport { average } from '../src/calc.js';\n\ntest('average of an empty list is 0', () => {\n  assert.equal(typeof average, 'function');\n  assert.ok(existsSync(new URL('../src/FIXED', import.meta.url)));\n});\n`,
    ),
    proposeTest(
      `${HEADER}import { average } from '../src/calc.js';\n\ntest('average of an empty list is 0', () => {\n  assert.equal(average([]), 0);\n});\n`,
    ),
    {
      expect: 'AUTHOR_FIX',
      text: 'The fix.',
      calls: [
        {
          name: 'propose_fix',
          input: {
            summary: 'Return 0 for an empty list.',
            edits: [
              {
                op: 'replace',
                path: 'src/calc.js',
                find: '  return sum(numbers) / numbers.length;',
                replace: '  if (numbers.length === 0) return 0;\n  return sum(numbers) / numbers.length;',
              },
            ],
          },
        },
      ],
    },
  ],
};

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('fix: RED evidence must fail on a value production code computed', () => {
  it(
    'refuses assert.fail() and a src/FIXED check, naming the rule, then accepts a real test',
    { timeout: 240_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'agentctl-red-rules-'));
      dirs.push(dir);
      const file = join(dir, 'unrelated-red.json');
      await writeFile(file, JSON.stringify(CASSETTE));
      const repo = await fixtureRepo('calc-node');
      const lines: string[] = [];
      const result = await startFix(repo, CASSETTE.task, {
        model: await resolveModel(`scripted:${file}`, repo),
        approver: policyApprover(400, 'test policy'),
        progress: collectingProgress(lines),
      });
      const journal = await readJournal(journalPath(result.ctx.repoRoot, result.ctx.runId));
      await expectReplays({ ...result, journal: journal.entries });
      expect(result.state.phase, lines.join('\n')).toBe('DONE');
      const id = 'test/average-empty.test.js > average of an empty list is 0';
      expect(result.state.history.map((h) => [h.kind, h.reason])).toEqual([
        [
          'red_failed',
          `fails for the wrong reason: ${PRODUCTION_VALUE_RULE}; ${id} fails at \`assert.fail('not fixed yet');\`, which uses nothing production code computed`,
        ],
        [
          'red_failed',
          `fails for the wrong reason: ${PRODUCTION_VALUE_RULE}; ${id} fails at \`assert.ok(existsSync(new URL('../src/FIXED', import.meta.url)));\`, which uses nothing production code computed`,
        ],
      ]);
    },
  );
});
