/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelCallError } from '../../src/model/provider.js';
import type { RetryNotice } from '../../src/model/retry.js';
import { httpError, startMockMessagesApi, turn, type MockMessagesApi } from '../helpers/mock-messages-api.js';
import { mockProvider, request } from './helpers.js';

let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());

async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelCallError);
  return err as ModelCallError;
}

describe('AnthropicProvider: faults', () => {
  it('a 429 then success is one response, after waiting what retry-after asked', async () => {
    api.enqueue(httpError(429, 'rate_limit_error', '2'), turn('hello'));
    const notices: RetryNotice[] = [];
    const provider = mockProvider(api, { onRetry: (n) => notices.push(n) });
    const response = await provider.next(request('ORIENT'));
    expect(response.turn.text).toBe('hello');
    expect(response.meta?.attempts).toBe(2);
    expect(api.requests).toHaveLength(2);
    expect(provider.clock.sleeps).toEqual([2000]);
    expect(notices).toEqual([
      { retry: 1, maxRetries: 4, delayMs: 2000, reason: expect.stringMatching(/^429 rate_limit_error/) },
    ]);
    // The retried request is the same request: nothing of the failed attempt leaked into it.
    expect(api.requests[1]!.body).toEqual(api.requests[0]!.body);
  });

  it('529 and 500 are retried with exponential backoff and jitter', async () => {
    api.enqueue(httpError(529, 'overloaded_error'), httpError(500, 'api_error'), turn('ok'));
    const provider = mockProvider(api, { retry: { baseDelayMs: 100, maxDelayMs: 10_000 } });
    expect((await provider.next(request('ORIENT'))).turn.text).toBe('ok');
    // random() is 0.5: each wait is three quarters of the doubled ceiling (100, then 200).
    expect(provider.clock.sleeps).toEqual([75, 150]);
  });

  it('a dropped connection, a stream cut halfway and an error event in the stream are retried', async () => {
    api.enqueue(
      { kind: 'drop' },
      { kind: 'turn', text: 'this reply is cut off halfway', dropAfterEvents: 3 },
      { kind: 'turn', text: 'overloaded', streamErrorType: 'overloaded_error' },
      turn('whole reply'),
    );
    const notices: string[] = [];
    const provider = mockProvider(api, { onRetry: (n) => notices.push(n.reason) });
    const response = await provider.next(request('ORIENT'));
    expect(response.turn.text).toBe('whole reply');
    expect(api.requests).toHaveLength(4);
    expect(notices).toEqual([
      expect.stringMatching(/^connection error/),
      expect.stringMatching(/connection dropped/),
      expect.stringMatching(/^overloaded_error during the stream/),
    ]);
  });

  it('a response slower than the timeout is abandoned and retried', async () => {
    api.enqueue({ kind: 'turn', text: 'too late', delayMs: 2000 }, turn('in time'));
    const provider = mockProvider(api, { timeoutMs: 200 });
    const started = Date.now();
    expect((await provider.next(request('ORIENT'))).turn.text).toBe('in time');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a stream that stalls halfway is abandoned at the timeout and retried', async () => {
    api.enqueue({ kind: 'turn', text: 'this stream stalls', stallAfterEvents: 3 }, turn('in time'));
    const notices: string[] = [];
    const provider = mockProvider(api, { timeoutMs: 300, onRetry: (n) => notices.push(n.reason) });
    expect((await provider.next(request('ORIENT'))).turn.text).toBe('in time');
    expect(notices).toEqual(['timed out after 300 ms']);
  });

  it('401 is not retried and says which key to check', async () => {
    api.enqueue(turn('never sent'));
    const err = await failure(mockProvider(api, { apiKey: 'wrong' }).next(request('ORIENT')));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/401 authentication_error.*ANTHROPIC_API_KEY/);
    expect(api.requests).toHaveLength(1);
  });

  it('400 is not retried', async () => {
    api.enqueue({ kind: 'error', status: 400, type: 'invalid_request_error', message: 'prompt is too long' });
    const err = await failure(mockProvider(api).next(request('ORIENT')));
    expect(err.message).toMatch(/400 invalid_request_error: prompt is too long/);
    expect(api.requests).toHaveLength(1);
  });

  it('exhausted retries end in a ModelCallError that names the last failure', async () => {
    api.enqueue(
      httpError(529, 'overloaded_error'),
      httpError(529, 'overloaded_error'),
      httpError(529, 'overloaded_error'),
    );
    const provider = mockProvider(api, { retry: { maxRetries: 2 } });
    const err = await failure(provider.next(request('ORIENT')));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/529 overloaded_error.*gave up after 3 attempts/);
    expect(api.requests).toHaveLength(3);
    expect(provider.clock.sleeps).toHaveLength(2);
  });

  it('a retry-after beyond the limit ends the call at once instead of hammering the API', async () => {
    api.enqueue(httpError(429, 'rate_limit_error', '600'));
    const provider = mockProvider(api);
    const err = await failure(provider.next(request('ORIENT')));
    expect(err.message).toMatch(/asked to wait 600 s, more than the 120 s limit/);
    expect(provider.clock.sleeps).toEqual([]);
  });

  it('a failed call leaves the conversation as it was', async () => {
    api.enqueue(httpError(500, 'api_error'), turn('second try'));
    const provider = mockProvider(api, { retry: { maxRetries: 0 } });
    await failure(provider.next(request('ORIENT')));
    await provider.next(request('ORIENT'));
    expect(api.requests[1]!.body).toEqual(api.requests[0]!.body);
  });
});
