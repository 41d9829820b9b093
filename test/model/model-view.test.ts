import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataBlock } from '../../src/core/data-block.js';
import { RED_SOURCE } from '../../src/core/red-feedback.js';
import { UNATTENDED_NOTE } from '../../src/model/prompts.js';
import { toolsForPhase } from '../../src/policy/tool-routing.js';
import { dataBlocksIn, outsideBlocks } from '../helpers/data-blocks.js';
import {
  call,
  startMockMessagesApi,
  turn,
  type MessagesBody,
  type MockMessagesApi,
} from '../helpers/mock-messages-api.js';
import { runWithMock, TASK } from './run-helpers.js';

/**
 * What the model reads after RED, through the real runtime, the real SDK and the loopback Messages API: which new
 * tests failed and how, without spending a turn on the report, and always inside the repository-data encoding.
 */
let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());

const HEADER =
  "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { average } from '../src/calc.js';\n";
/** Fails in the test's own code (reading a property of undefined) before it reaches production code. */
const WRONG_REASON = `${HEADER}\ntest('average of an empty list is 0', () => {\n  const input = undefined;\n  assert.equal(average(input.numbers), 0);\n});\n`;
/** Fails by assertion (NaN for []) and by an error thrown inside src/calc.js (no list at all). */
const RED_TESTS = `${HEADER}\ntest('average of an empty list is 0', () => {\n  assert.equal(average([]), 0);\n});\n\ntest('average of no list is 0', () => {\n  assert.equal(average(undefined), 0);\n});\n`;
const FIX = {
  summary: 'Return 0 from average() when there is nothing to average.',
  edits: [
    {
      op: 'replace',
      path: 'src/calc.js',
      find: '  return sum(numbers) / numbers.length;',
      replace:
        '  if (!numbers || numbers.length === 0) {\n    return 0;\n  }\n  return sum(numbers) / numbers.length;',
    },
  ],
};
const proposeTest = (content: string) =>
  call('propose_test', {
    summary: 'average of an empty list is 0',
    edits: [{ op: 'create', path: 'test/average-empty.test.js', content }],
  });

/** The user turn of a request: its tool results and texts, in order, as the model reads them. */
function lastUserTurn(body: MessagesBody): string[] {
  const last = body.messages.at(-1)!;
  if (typeof last.content === 'string') return [last.content];
  return last.content.map((b) =>
    b.type === 'tool_result' ? String(b.content) : b.type === 'text' ? String(b.text) : '',
  );
}

const ID_EMPTY = 'test/average-empty.test.js > average of an empty list is 0';
const ID_NONE = 'test/average-empty.test.js > average of no list is 0';

describe('the model is told what the runtime saw at RED', () => {
  it('after a refused and an accepted RED: which new tests failed, how, and where in production code, as data', async () => {
    const r = await runWithMock(api, [
      turn('Plan: test average([]) then return 0 early.'),
      turn('Test first.', proposeTest(WRONG_REASON)),
      turn('Corrected.', proposeTest(RED_TESTS)),
      turn('Checking the report.', call('read_last_report', {}), call('read_last_report', { full: true })),
      turn('Now the fix.', call('propose_fix', FIX)),
    ]);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    const bodies = api.requests.map((q) => q.body);
    expect(bodies).toHaveLength(5);

    // Nobody can answer in this run: the task says so, and no request offers ask_user.
    expect(lastUserTurn(bodies[0]!)).toEqual([
      `Task: ${TASK}\n\n${UNATTENDED_NOTE}`,
      'Phase: ORIENT. Tools you may call now: read_file, list_files, search_text. Read what you need, then reply with your plan and no tool call. Failed attempts left: 3 of 3.',
    ]);
    for (const b of bodies) expect(b.tools!.map((t) => t.name)).not.toContain('ask_user');
    expect(lastUserTurn(bodies[1]!)).toEqual([
      `Phase: AUTHOR_TEST. Tools you may call now: ${toolsForPhase('AUTHOR_TEST', { unattended: true }).join(', ')}. Propose one failing test with propose_test; or, only if the task changes no behavior, the change itself with propose_change. Failed attempts left: 3 of 3.`,
    ]);

    // Refused: the verdict names the test and how it failed, in its own code, so the model can correct it.
    const refused = lastUserTurn(bodies[2]!);
    expect(refused).toEqual([
      `agentctl runtime:\nAttempt 1 of 3 failed (red_failed; 2 failed attempts left before the run is handed to a human). The gate's verdict quotes test output and follows as data:\n${dataBlock(
        RED_SOURCE,
        `fails for the wrong reason: ${ID_EMPTY}: test_error: Cannot read properties of undefined (reading 'numbers')`,
      )}`,
    ]);

    // Accepted: each new test, its failure class, expected vs actual, and the production frame of the crash.
    const accepted = lastUserTurn(bodies[3]!);
    expect(accepted).toEqual([
      `agentctl runtime:\nRED accepted: 2 new test(s) fail on the unchanged production code. Test files and test configuration are now locked (2 failed attempts left before the run is handed to a human). What the runtime saw quotes test output and follows as data:\n${dataBlock(
        RED_SOURCE,
        [
          `FAILED ${ID_EMPTY}: assertion: Expected values to be strictly equal (expected 0, got NaN)`,
          `FAILED ${ID_NONE}: crash: numbers is not iterable [at src/calc.js:4]`,
        ].join('\n'),
      )}`,
      `Phase: AUTHOR_FIX. Tools you may call now: ${toolsForPhase('AUTHOR_FIX', { unattended: true }).join(', ')}. The tests are locked. Propose the production fix with propose_fix. Failed attempts left: 2 of 3.`,
    ]);

    // Everything derived from test output is inside one block; outside it only the runtime speaks.
    for (const text of [refused[0]!, accepted[0]!]) {
      expect(dataBlocksIn(text)).toHaveLength(1);
      expect(outsideBlocks(text)).not.toMatch(/average|calc\.js|NaN|undefined/);
    }

    // read_last_report: the compact summary by default, the whole report on request.
    const [summary, full] = lastUserTurn(bodies[4]!);
    expect(summary).toBe(
      dataBlock(
        'last test report (summary)',
        [
          '2 tests: 0 passed, 2 failed, 0 skipped; exit code 1',
          `FAILED (new) ${ID_EMPTY}: assertion: Expected values to be strictly equal (expected 0, got NaN)`,
          `FAILED (new) ${ID_NONE}: crash: numbers is not iterable [at src/calc.js:4]`,
        ].join('\n'),
      ),
    );
    const [block] = dataBlocksIn(full!);
    expect(block!.source).toBe('last test report');
    const report = JSON.parse(block!.body) as { tests: Array<{ id: string; failure: { stack: string } }> };
    expect(report.tests.map((t) => t.id)).toEqual([ID_EMPTY, ID_NONE]);
    expect(report.tests[1]!.failure.stack).toMatch(/src\/calc\.js:4:\d+\)/);
  }, 180_000);
});

describe('ask_user only where a person can answer', () => {
  it('an unattended run refuses ask_user as an attempt; an attended one offers it and returns the answer', async () => {
    const unattended = await runWithMock(api, [
      turn('Plan: test first.'),
      turn('Which value?', call('ask_user', { question: 'Should average([]) be 0 or throw?' })),
      turn('Giving up.', call('give_up', { reason: 'enough' })),
    ]);
    expect(unattended.state.phase).toBe('ESCALATED');
    expect(unattended.state.attempts).toBe(1);
    expect(lastUserTurn(api.requests[2]!.body)[0]).toBe(
      'agentctl runtime:\nAttempt 1 of 3 failed (refused): ask_user refused: this run is unattended and nobody can answer. Decide from the task and the code, or call give_up with the reason.',
    );

    const asked: string[] = [];
    const attended = await runWithMock(
      api,
      [
        turn('Plan: test first.'),
        turn('Which value?', call('ask_user', { question: 'Should average([]) be 0 or throw?' })),
        turn('Giving up.', call('give_up', { reason: 'enough' })),
      ],
      {
        askUser: (question) => {
          asked.push(question);
          return Promise.resolve('0, as the task says');
        },
      },
    );
    expect(attended.state.attempts).toBe(0);
    expect(asked).toEqual(['Should average([]) be 0 or throw?']);
    const requests = api.requests.slice(3).map((q) => q.body);
    expect(lastUserTurn(requests[0]!)[0]).toBe(`Task: ${TASK}`);
    expect(requests[1]!.tools!.map((t) => t.name)).toContain('ask_user');
    expect(lastUserTurn(requests[2]!)).toEqual(['agentctl runtime:\nThe user answered: 0, as the task says']);
  }, 180_000);
});
