import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cacheUnits,
  standInTokens,
  startMockMessagesApi,
  turn,
  type MessagesBody,
  type MockMessagesApi,
} from '../helpers/mock-messages-api.js';
import { mockProvider, repliesFromCassette, request } from './helpers.js';
import { runWithMock } from './run-helpers.js';

let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());

/** The bytes of a request up to its last cache breakpoint, marks removed: what the next request must repeat. */
function cachedPrefix(body: MessagesBody): string {
  const units = cacheUnits(body);
  const last = units.findLastIndex((u) => u.mark);
  return units
    .slice(0, last + 1)
    .map((u) => u.text)
    .join('');
}

const toolNames = (body: MessagesBody) => (body.tools ?? []).map((t) => t.name).join(',');

describe('prompt cache on the wire', () => {
  it('in a real gated run, each request repeats the previous one up to its breakpoint whenever the phase stays', async () => {
    // The demo: a refused fix in AUTHOR_TEST, RED, a failed fix, the right fix: several turns in each phase.
    const { replies } = await repliesFromCassette('demo');
    const r = await runWithMock(api, replies);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    const sent = api.requests;
    let samePhasePairs = 0;
    let phaseChanges = 0;
    for (let i = 1; i < sent.length; i++) {
      const [before, now] = [sent[i - 1]!, sent[i]!];
      const prefix = cachedPrefix(before.body);
      const units = cacheUnits(now.body)
        .map((u) => u.text)
        .join('');
      if (toolNames(before.body) === toolNames(now.body)) {
        samePhasePairs++;
        // Byte-identical: nothing that varies (attempts left, verdicts, times) sits inside the cached prefix.
        expect(units.startsWith(prefix), `request ${i} rewrites request ${i - 1}'s cached prefix`).toBe(true);
        // And the server, looking the prefix up as the API does, reads all of it from the cache.
        expect(now.usage?.cache_read_input_tokens).toBe(standInTokens(Buffer.byteLength(prefix)));
      } else {
        phaseChanges++;
        // Tools come first, so a new tool list is read only as far as the old list's first tools agree; the
        // conversation after them is written again: the measured cost of a phase change.
        const prefixTokens = standInTokens(Buffer.byteLength(prefix));
        expect(now.usage!.cache_read_input_tokens).toBeLessThan(prefixTokens / 4);
        expect(now.usage!.cache_creation_input_tokens).toBeGreaterThan(prefixTokens / 2);
      }
    }
    expect(samePhasePairs).toBeGreaterThanOrEqual(4);
    expect(phaseChanges).toBe(2);
  });

  it('accounts a breakpoint prefix seen before as a read, a new one as a write, the tail as plain input', async () => {
    const provider = mockProvider(api);
    api.enqueue(turn('one'), turn('two'));
    await provider.next(request('ORIENT', { toolResults: [] }));
    await provider.next(request('ORIENT', { toolResults: [] }));
    const [first, second] = api.requests.map((q) => q.usage!);
    const total = (u: typeof first) =>
      u!.input_tokens + u!.cache_read_input_tokens + u!.cache_creation_input_tokens;
    expect(first!.cache_read_input_tokens).toBe(0);
    expect(first!.cache_creation_input_tokens).toBe(total(first));
    expect(second!.cache_read_input_tokens).toBe(total(first));
    expect(second!.cache_creation_input_tokens).toBe(total(second) - total(first));
  });
});
