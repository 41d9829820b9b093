/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCassette } from '../../src/model/cassette.js';
import { withRecording } from '../../src/model/recording.js';
import { toolsForPhase } from '../../src/policy/tool-routing.js';
import { gitOut, readText } from '../helpers/fixture-repo.js';
import { indexZeroTurn, startMockChatApi, type MockChatApi } from '../helpers/mock-chat-api.js';
import { call, httpError, turn, type MockReply } from '../helpers/mock-messages-api.js';
import { repliesFromCassette } from './helpers.js';
import { chatProvider, runWithChat } from './openai-helpers.js';
import { agentBranches, committedPaths, replayCassette, TASK } from './run-helpers.js';

/** A tool message's content as text, whether the SDK typed it as a string or as parts. */
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : JSON.stringify(content);

/**
 * The OpenAI provider end to end: the real runtime and gates on a real calc-node repo, the real openai SDK, and
 * the loopback Chat Completions server playing the model. The runtime, not the model, decides what becomes real.
 */
let api: MockChatApi;
beforeEach(async () => {
  api = await startMockChatApi();
});
afterEach(() => api.close());

/** The happy path, with its first turn's two calls streamed the way Ollama streams them (both at index 0). */
async function happyPath(): Promise<MockReply[]> {
  const { replies } = await repliesFromCassette('happy-path');
  const first = replies[0] as Extract<MockReply, { kind: 'turn' }>;
  return [indexZeroTurn(first.text, ...(first.calls ?? [])), ...replies.slice(1)];
}

const testEdit = { op: 'create', path: 'test/empty.test.js', content: 'import test from "node:test";\n' };

describe('openai provider in a gated run', () => {
  it('plays the happy path after a 429 to DONE with one commit, recorded as a cassette that replays it', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'agentctl-record-')), 'recorded.json');
    const r = await runWithChat(api, [httpError(429, 'requests', '1'), ...(await happyPath())], {
      wrap: (model) => withRecording(model, file),
    });
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.attempts).toBe(0);
    expect(r.provider.clock.sleeps).toEqual([1000]);
    expect(api.pending()).toBe(0);
    expect(api.requests).toHaveLength(6);
    api.requests.shift();
    if (r.state.phase !== 'DONE') return;
    expect(await committedPaths(r.repo, r.state.commit.sha)).toEqual([
      'src/calc.js',
      'test/average-empty.test.js',
    ]);
    expect(await gitOut(r.repo, ['rev-list', '--count', `${r.ctx.baseSha}..${r.state.commit.branch}`])).toBe(
      '1',
    );
    // Each request offered exactly the tools of the phase the runtime was in.
    const phases = ['ORIENT', 'ORIENT', 'ORIENT', 'AUTHOR_TEST', 'AUTHOR_FIX'] as const;
    expect(api.requests.map((q) => q.body.tools!.map((t) => t.function.name))).toEqual(
      phases.map((p) => toolsForPhase(p, { unattended: true })),
    );
    // The two index-0 calls stayed two calls, and each was answered with its own repo-data result.
    const answers = api.requests[1]!.body.messages.filter((m) => m.role === 'tool');
    expect(answers).toHaveLength(2);
    expect(textOf(answers[0]!.content)).toMatch(/<repo-data-[0-9a-f]{16} source="list src"/);
    expect(textOf(answers[1]!.content)).toMatch(/<repo-data-[0-9a-f]{16} source="src\/calc.js:1-/);
    expect(r.state.usage.turns).toBe(5);
    expect(r.state.usage.costUsd).toBeGreaterThan(0);
    const responses = r.journal.filter((e) => e.type === 'model_response');
    expect(responses[2]!.payload).toMatchObject({ usage: { cacheReadTokens: expect.any(Number) } });
    expect(
      (responses[2]!.payload as { usage: { cacheReadTokens: number } }).usage.cacheReadTokens,
    ).toBeGreaterThan(0);

    // --record: the scripted provider replays the recording to the same end and the same committed tree.
    const cassette = await loadCassette(file);
    expect(cassette).toMatchObject({ version: 1, name: 'recorded', task: TASK });
    expect(cassette.turns.map((t) => t.expect)).toEqual(phases);
    const replay = await replayCassette(file);
    expect(replay.state.phase, replay.lines.join('\n')).toBe('DONE');
    if (replay.state.phase !== 'DONE') return;
    const tree = (dir: string, sha: string) => gitOut(dir, ['rev-parse', `${sha}^{tree}`]);
    expect(await tree(replay.repo, replay.state.commit.sha)).toBe(await tree(r.repo, r.state.commit.sha));
  }, 150_000);

  it('refuses propose_fix during AUTHOR_TEST: nothing applied, the attempt counted, the model told why', async () => {
    const replies = await happyPath();
    const early = call('propose_fix', {
      summary: 'Fix it straight away.',
      edits: [
        {
          op: 'replace',
          path: 'src/calc.js',
          find: '  return sum(numbers) / numbers.length;',
          replace: '  return 0; // EARLY-FIX',
        },
      ],
    });
    const r = await runWithChat(api, [
      turn('Plan: fix it.'),
      turn('Skipping the test.', early),
      ...replies.slice(3),
    ]);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history.map((h) => h.kind)).toEqual(['refused']);
    expect(r.state.attempts).toBe(1);
    if (r.state.phase !== 'DONE') return;
    expect(await gitOut(r.repo, ['show', `${r.state.commit.sha}:src/calc.js`])).not.toContain('EARLY-FIX');
    expect(await readText(r.repo, 'src/calc.js')).not.toContain('EARLY-FIX');
    // The refusal answered the call itself, in its tool message.
    const answer = api.requests[2]!.body.messages.find((m) => m.role === 'tool');
    expect(textOf(answer?.content)).toMatch(
      /propose_fix refused: no behavior change before a test has been shown to fail/,
    );
  });

  it('three malformed propose_test replies escalate the run; nothing is committed', async () => {
    const r = await runWithChat(api, [
      turn('Plan: a test that average([]) is 0.'),
      turn('Here is the test.', { name: 'propose_test', rawJson: '{"summary": "cut off", "edits": [' }),
      turn('Again.', call('propose_test', { edits: [testEdit] })),
      turn(
        'Both ways.',
        call('propose_test', { summary: 'both', edits: [testEdit], diff: '--- a\n+++ b\n' }),
      ),
    ]);
    expect(r.state.phase, r.lines.join('\n')).toBe('ESCALATED');
    expect(r.state.history.map((h) => h.kind)).toEqual(['malformed', 'malformed', 'malformed']);
    expect(r.state.history.map((h) => h.reason)).toEqual([
      expect.stringMatching(/propose_test: invalid input: \(input\): .*object/),
      expect.stringMatching(/propose_test: invalid input: summary/),
      expect.stringMatching(/propose_test: invalid input: edits: give exactly one of `edits` or `diff`/),
    ]);
    expect(await agentBranches(r.repo)).toBe('');
    const answer = api.requests[2]!.body.messages.filter((m) => m.role === 'tool').at(-1);
    expect(textOf(answer?.content)).toMatch(/Attempt 1 of 3 failed \(malformed\)/);
  });

  it('an API that refuses the key ends the run FAILED with cause model', async () => {
    api.enqueue(turn('never sent'));
    const r = await runWithChat(api, [], { provider: { apiKey: 'wrong', retry: { maxRetries: 0 } } });
    expect(r.state.phase).toBe('FAILED');
    if (r.state.phase !== 'FAILED') return;
    expect(r.state.cause).toBe('model');
    expect(r.state.reason).toMatch(/401 .*Check OPENAI_API_KEY/);
  });

  it('a token budget counts what the server reported', async () => {
    const replies = (await happyPath()).map((r) =>
      r.kind === 'turn' ? { ...r, usage: { input_tokens: 1000, output_tokens: 50 } } : r,
    );
    const r = await runWithChat(api, replies, {
      config: (c) => ({ ...c, budgets: { ...c.budgets, maxInputTokens: 1500 } }),
    });
    expect(r.state.phase).toBe('BUDGET_EXHAUSTED');
    expect(r.state.usage.inputTokens).toBeGreaterThanOrEqual(1500);
    expect(chatProvider(api).name).toBe('openai:gpt-4.1');
  });
});
