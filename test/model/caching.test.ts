import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelRequest, ModelResponse } from '../../src/model/provider.js';
import { dataBlock } from '../../src/runtime/read-tools.js';
import {
  call,
  startMockMessagesApi,
  turn,
  type MessagesBody,
  type MockMessagesApi,
} from '../helpers/mock-messages-api.js';
import { mockProvider, request, stablePrefix } from './helpers.js';

let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());

/** A file of about 4 KiB, as read_file returns it. */
function fileResult(i: number): string {
  const lines = Array.from(
    { length: 100 },
    (_, n) => `export const value${n} = ${i * 1000 + n}; // line ${n}`,
  );
  return dataBlock(`src/file-${i}.js:1-100`, lines.join('\n'));
}

/** Drives `turns` ORIENT turns, each reading one more file; returns every exchange. */
async function readingRun(provider: ReturnType<typeof mockProvider>, turns: number) {
  const history: Array<{ request: ModelRequest; response: ModelResponse }> = [];
  let previous: ModelResponse | null = null;
  for (let i = 1; i <= turns; i++) {
    api.enqueue(turn(`reading file ${i}`, call('read_file', { path: `src/file-${i}.js` })));
    const callId = previous?.turn.calls[0]?.id;
    const req = request('ORIENT', {
      toolResults:
        callId === undefined
          ? []
          : [{ callId, name: 'read_file', content: fileResult(i - 1), isError: false }],
    });
    previous = await provider.next(req);
    history.push({ request: req, response: previous });
  }
  return history;
}

const breakpoints = (b: MessagesBody) => ({
  system: b.system!.at(-1)!.cache_control,
  tools: b.tools!.at(-1)!.cache_control,
  last: (b.messages.at(-1)!.content as Array<Record<string, unknown>>).at(-1)!.cache_control,
});

describe('AnthropicProvider: prompt caching and bounded context', () => {
  it('marks the stable prefix and the last block, keeps the prefix byte-identical, and reads it from the cache', async () => {
    const provider = mockProvider(api);
    const history = await readingRun(provider, 5);
    api.enqueue(turn('test now'));
    await provider.next(request('AUTHOR_TEST', { toolResults: [] }));
    const bodies = api.requests.map((r) => r.body);
    for (const b of bodies) {
      expect(breakpoints(b)).toEqual({
        system: { type: 'ephemeral' },
        tools: { type: 'ephemeral' },
        last: { type: 'ephemeral' },
      });
    }
    // Within a phase system + tools are the same bytes; across phases the system prompt still is.
    const first = stablePrefix(bodies[0]!);
    for (const b of bodies.slice(1, 5)) expect(stablePrefix(b)).toBe(first);
    expect(JSON.stringify(bodies[5]!.system)).toBe(JSON.stringify(bodies[0]!.system));
    // The loopback server prices a prefix it has seen as a cache read, as the API does.
    expect(history[0]!.response.usage.cacheReadTokens).toBe(0);
    for (const { response } of history.slice(1)) expect(response.usage.cacheReadTokens).toBeGreaterThan(0);
  });

  it('keeps the input of each turn bounded over a 30-turn run by pruning old tool results', async () => {
    const provider = mockProvider(api, { keepToolResults: 6 });
    await readingRun(provider, 30);
    const bytes = api.requests.map((r) => r.bytes);
    const resultBytes = fileResult(1).length;
    // Unpruned, turn 30 would carry all 29 results. Pruned, it carries at most keep + slack (6 + 3) of them, plus
    // a short note and the model's few words for every older turn.
    expect(bytes[29]!).toBeLessThan((bytes[0]! + 29 * resultBytes) / 2);
    expect(Math.max(...bytes)).toBeLessThan(bytes[0]! + 10 * resultBytes + 30 * 400);
    // Sixteen more turns, each with a new 4 KiB result, add less than two results' worth.
    expect(bytes[29]! - bytes[13]!).toBeLessThan(2 * resultBytes);
    const last = api.requests[29]!.body.messages;
    const results = last.flatMap((m) =>
      Array.isArray(m.content) ? m.content.filter((b) => b.type === 'tool_result') : [],
    );
    const notes = results.filter((r) => String(r.content).startsWith('[pruned: '));
    expect(notes[0]!.content).toBe(
      `[pruned: read_file src/file-1.js, ${Buffer.byteLength(fileResult(1))} bytes]`,
    );
    expect(results.slice(-6).every((r) => String(r.content).startsWith('<repo-data'))).toBe(true);
  });

  it('restore rebuilds the conversation from journaled turns: the next request is the same bytes', async () => {
    const original = mockProvider(api, { keepToolResults: 2 });
    const history = await readingRun(original, 8);
    const next = request('ORIENT', {
      toolResults: [
        {
          callId: history[7]!.response.turn.calls[0]!.id!,
          name: 'read_file',
          content: fileResult(8),
          isError: false,
        },
      ],
    });
    api.enqueue(turn('done reading'), turn('done reading'));
    await original.next(next);
    const resumed = mockProvider(api, { keepToolResults: 2 });
    // What the journal holds is JSON: restore must work from plain data.
    resumed.restore(JSON.parse(JSON.stringify(history)) as typeof history);
    await resumed.next(next);
    const [a, b] = api.requests.slice(-2).map((r) => JSON.stringify(r.body));
    expect(b).toBe(a);
    expect(api.requests).toHaveLength(10);
  });
});
