import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelCallError } from '../../src/model/provider.js';
import { call, httpError, turn } from '../helpers/mock-messages-api.js';
import { indexZeroTurn, startMockChatApi, type MockChatApi } from '../helpers/mock-chat-api.js';
import { request } from './helpers.js';
import { chatProvider } from './openai-helpers.js';

/** The OpenAI provider alone, through the real SDK against the loopback Chat Completions server. */
let api: MockChatApi;
beforeEach(async () => {
  api = await startMockChatApi();
});
afterEach(() => api.close());

describe('OpenAIProvider', () => {
  it('keeps two parallel calls streamed at index 0 apart, and answers each with its own tool message', async () => {
    api.enqueue(
      indexZeroTurn(
        'Reading both.',
        call('read_file', { path: 'src/calc.js' }),
        call('list_files', { dir: 'src' }),
      ),
      turn('Plan: fix average.'),
    );
    const provider = chatProvider(api);
    const first = await provider.next(request('ORIENT'));
    expect(first.turn.calls.map((c) => [c.name, c.input])).toEqual([
      ['read_file', { path: 'src/calc.js' }],
      ['list_files', { dir: 'src' }],
    ]);
    const [a, b] = first.turn.calls;
    expect(a!.id).not.toBe(b!.id);
    await provider.next(
      request('ORIENT', {
        toolResults: [
          { callId: a!.id!, name: 'read_file', content: 'calc source', isError: false },
          { callId: b!.id!, name: 'list_files', content: 'src/calc.js', isError: false },
        ],
      }),
    );
    const sent = api.requests[1]!.body.messages;
    const tools = sent.filter((m) => m.role === 'tool');
    expect(tools).toEqual([
      { role: 'tool', tool_call_id: a!.id, content: 'calc source' },
      { role: 'tool', tool_call_id: b!.id, content: 'src/calc.js' },
    ]);
  });

  it('streams ordinary parallel calls by index, with usage from the final chunk', async () => {
    api.enqueue(turn(undefined, call('read_file', { path: 'a.js' }), call('read_file', { path: 'b.js' })));
    const response = await chatProvider(api).next(request('ORIENT'));
    expect(response.turn.calls.map((c) => c.input)).toEqual([{ path: 'a.js' }, { path: 'b.js' }]);
    const body = api.requests[0]!.body;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.tools!.map((t) => t.function.name)).toEqual(['read_file', 'list_files', 'search_text']);
    expect(body.messages[0]!.role).toBe('system');
    expect(response.usage.inputTokens).toBeGreaterThan(100);
    expect(response.usage.outputTokens).toBe(20);
    expect(response.usage.costUsd).toBeGreaterThan(0);
    expect(response.meta).toMatchObject({ stopReason: 'tool_calls', attempts: 1 });
  });

  it('hands malformed arguments to the core as text, and sends them back as valid JSON', async () => {
    api.enqueue(
      turn('Test.', { name: 'propose_test', rawJson: '{"summary": "x", "edits": [' }),
      turn('Again.'),
    );
    const provider = chatProvider(api);
    const first = await provider.next(request('AUTHOR_TEST'));
    expect(first.turn.calls[0]!.input).toBe('{"summary": "x", "edits": [');
    await provider.next(request('AUTHOR_TEST', { feedback: ['Attempt 1 of 3 failed (malformed)'] }));
    // The loopback server refuses arguments that are not JSON, as Ollama does: the second request passed.
    const assistant = api.requests[1]!.body.messages.find((m) => m.role === 'assistant')!;
    expect(JSON.parse(String(assistant.tool_calls![0]!.function.arguments))).toEqual({
      malformed_input: '{"summary": "x", "edits": [',
    });
  });

  it('retries 429 after retry-after, 5xx, a drop, a cut stream and an error chunk, then answers once', async () => {
    api.enqueue(
      httpError(429, 'requests', '3'),
      httpError(503, 'server_error'),
      { kind: 'drop' },
      { kind: 'turn', text: 'this reply is cut off halfway', dropAfterEvents: 2 },
      { kind: 'turn', text: 'oops', streamErrorType: 'server_error' },
      turn('whole reply'),
    );
    const reasons: string[] = [];
    const provider = chatProvider(api, {
      retry: { maxRetries: 5 },
      onRetry: (n) => reasons.push(n.reason),
    });
    const response = await provider.next(request('ORIENT'));
    expect(response.turn.text).toBe('whole reply');
    expect(response.meta?.attempts).toBe(6);
    expect(provider.clock.sleeps[0]).toBe(3000);
    expect(reasons).toEqual([
      expect.stringMatching(/^429 requests/),
      expect.stringMatching(/^503 server_error/),
      expect.stringMatching(/^connection error/),
      expect.stringMatching(/connection dropped/),
      expect.stringMatching(/^server_error during the stream/),
    ]);
    expect(api.requests[5]!.body).toEqual(api.requests[0]!.body);
  });

  it('abandons a stalled stream at the timeout and retries it', async () => {
    api.enqueue({ kind: 'turn', text: 'this stream stalls', stallAfterEvents: 2 }, turn('in time'));
    const reasons: string[] = [];
    const provider = chatProvider(api, { timeoutMs: 300, onRetry: (n) => reasons.push(n.reason) });
    expect((await provider.next(request('ORIENT'))).turn.text).toBe('in time');
    expect(reasons).toEqual(['timed out after 300 ms']);
  });

  it('a refused key fails at once, naming the variable to check', async () => {
    api.enqueue(turn('never sent'));
    const provider = chatProvider(api, { apiKey: 'wrong' });
    const err = await provider.next(request('ORIENT')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelCallError);
    expect((err as Error).message).toMatch(
      /401 invalid_request_error: Incorrect API key.*Check OPENAI_API_KEY/,
    );
    expect(api.requests).toHaveLength(1);
  });

  it('prices an unknown model as the dearest and says so once', async () => {
    api.enqueue(turn('one'), turn('two'));
    const provider = chatProvider(api, { model: 'house-model-7b' });
    const first = await provider.next(request('ORIENT'));
    const second = await provider.next(request('ORIENT'));
    expect(first.meta?.note).toMatch(/no price is known for model "house-model-7b".*dearest/);
    expect(second.meta?.note).toBeUndefined();
    expect(first.usage.costUsd).toBeCloseTo((first.usage.inputTokens * 15 + 20 * 75) / 1e6, 8);
  });
});
