/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCassette } from '../../src/model/cassette.js';
import { withRecording } from '../../src/model/recording.js';
import { toolsForPhase } from '../../src/policy/tool-routing.js';
import { gitOut, readText } from '../helpers/fixture-repo.js';
import {
  call,
  httpError,
  startMockMessagesApi,
  turn,
  type MockMessagesApi,
} from '../helpers/mock-messages-api.js';
import { repliesFromCassette } from './helpers.js';
import { committedPaths, replayCassette, runWithMock, TASK } from './run-helpers.js';

/**
 * The anthropic provider end to end: the real runtime and gates on a real calc-node repo, the real SDK, and the
 * loopback Messages API playing the model. The runtime, not the model, decides what becomes real.
 */
let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());

describe('anthropic provider in a gated run', () => {
  it('plays the happy path after a 429 to DONE with one commit, recorded as a cassette that replays it', async () => {
    const { replies } = await repliesFromCassette('happy-path');
    const file = join(await mkdtemp(join(tmpdir(), 'agentctl-record-')), 'recorded.json');
    const r = await runWithMock(api, [httpError(429, 'rate_limit_error', '1'), ...replies], {
      wrap: (model) => withRecording(model, file),
    });
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.attempts).toBe(0);
    // The 429 was retried once, after the second retry-after asked for; the run saw one response.
    expect(r.provider.clock.sleeps).toEqual([1000]);
    expect(api.pending()).toBe(0);
    expect(api.requests).toHaveLength(6);
    api.requests.shift();
    if (r.state.phase !== 'DONE') return;
    expect(await committedPaths(r.repo, r.state.commit.sha)).toEqual([
      'src/calc.js',
      'test/average-empty.test.js',
    ]);
    const { baseSha } = r.ctx;
    expect(await gitOut(r.repo, ['rev-list', '--count', `${baseSha}..${r.state.commit.branch}`])).toBe('1');
    // Each request offered exactly the tools of the phase the runtime was in.
    const phases = ['ORIENT', 'ORIENT', 'ORIENT', 'AUTHOR_TEST', 'AUTHOR_FIX'] as const;
    expect(api.requests.map((q) => q.body.tools!.map((t) => t.name))).toEqual(
      phases.map((p) => toolsForPhase(p, { unattended: true })),
    );
    // The runtime's own read results came back as repo-data, answering the model's calls.
    const results = JSON.stringify(api.requests[1]!.body.messages.at(-1));
    expect(results).toMatch(/<repo-data-[0-9a-f]{16} source=\\"src\/calc.js:1-/);
    expect(results).toMatch(/<repo-data-[0-9a-f]{16} source=\\"list src\\"/);
    // Usage and cost reached the run's budget accounting.
    expect(r.state.usage.turns).toBe(5);
    expect(r.state.usage.costUsd).toBeGreaterThan(0);
    const responses = r.journal.filter((e) => e.type === 'model_response');
    expect(responses[1]!.payload).toMatchObject({ usage: { cacheReadTokens: expect.any(Number) } });

    // --record: the scripted provider replays the recording to the same end and the same committed tree.
    const cassette = await loadCassette(file);
    expect(cassette).toMatchObject({ version: 1, name: 'recorded', task: TASK });
    expect(cassette.turns.map((t) => t.expect)).toEqual(phases);
    const replay = await replayCassette(file);
    expect(replay.state.phase, replay.lines.join('\n')).toBe('DONE');
    if (replay.state.phase !== 'DONE') return;
    const tree = (dir: string, sha: string) => gitOut(dir, ['rev-parse', `${sha}^{tree}`]);
    expect(await tree(replay.repo, replay.state.commit.sha)).toBe(await tree(r.repo, r.state.commit.sha));
    expect(replay.state.usage.turns).toBe(r.state.usage.turns);
  });

  it('refuses propose_fix during AUTHOR_TEST: nothing applied, the attempt counted, the model told why', async () => {
    const { replies } = await repliesFromCassette('happy-path');
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
    const r = await runWithMock(api, [
      turn('Plan: fix it.'),
      turn('Skipping the test.', early),
      ...replies.slice(3),
    ]);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history.map((h) => h.kind)).toEqual(['refused']);
    expect(r.state.attempts).toBe(1);
    // The first patch the runtime applied is the test; the early fix never touched a file.
    const applied = r.journal.filter(
      (e) => e.type === 'effect_intent' && JSON.stringify(e.payload).includes('"apply_patch"'),
    );
    expect(applied[0]!.payload).toMatchObject({ effect: { patchKind: 'test' } });
    if (r.state.phase !== 'DONE') return;
    expect(await gitOut(r.repo, ['show', `${r.state.commit.sha}:src/calc.js`])).not.toContain('EARLY-FIX');
    expect(await readText(r.repo, 'src/calc.js')).not.toContain('EARLY-FIX');
    const answer = JSON.stringify(api.requests[2]!.body.messages.at(-1));
    expect(answer).toMatch(
      /tool_result.*propose_fix refused: no behavior change before a test has been shown to fail/,
    );
  });

  it('an API that keeps failing ends the run FAILED with cause model (exit 2)', async () => {
    const r = await runWithMock(api, [httpError(401, 'authentication_error')], {
      provider: { retry: { maxRetries: 0 } },
    });
    expect(r.state.phase).toBe('FAILED');
    if (r.state.phase !== 'FAILED') return;
    expect(r.state.cause).toBe('model');
    expect(r.state.reason).toMatch(/401 authentication_error/);
  });
});
