import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelUnavailableError } from '../../src/errors.js';
import { ModelCallError } from '../../src/model/provider.js';
import { DEFAULT_ANTHROPIC_MODEL, resolveModel } from '../../src/model/resolve.js';
import { Config } from '../../src/policy/config-schema.js';
import { httpError, startMockMessagesApi, turn, type MockMessagesApi } from '../helpers/mock-messages-api.js';
import { request } from './helpers.js';

let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());

describe('resolveModel anthropic:<name>', () => {
  it('without ANTHROPIC_API_KEY is a usage error (exit 2) that names the variable', async () => {
    const err: unknown = await resolveModel('anthropic:claude-haiku-4-5', '/tmp', { env: {} }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect((err as ModelUnavailableError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(/ANTHROPIC_API_KEY is not set/);
  });

  it('reads the key from ANTHROPIC_API_KEY and the endpoint from ANTHROPIC_BASE_URL', async () => {
    api.enqueue(turn('hi'));
    const env = { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: api.url };
    const model = await resolveModel('anthropic:claude-haiku-4-5', '/tmp', { env });
    expect(model.name).toBe('anthropic:claude-haiku-4-5');
    expect((await model.next(request('ORIENT'))).turn.text).toBe('hi');
    expect(api.requests[0]!.body.model).toBe('claude-haiku-4-5');
    expect((await resolveModel('anthropic', '/tmp', { env })).name).toBe(
      `anthropic:${DEFAULT_ANTHROPIC_MODEL}`,
    );
  });

  it('takes output cap, retries and prices from the config', async () => {
    api.enqueue(httpError(529, 'overloaded_error'));
    const config = Config.parse({
      test: { runner: 'node' },
      modelOptions: { maxRetries: 0, maxTokensPerTurn: 1024 },
    });
    const env = { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: api.url };
    const model = await resolveModel('anthropic:claude-haiku-4-5', '/tmp', { env, config });
    const err: unknown = await model.next(request('ORIENT')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelCallError);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.body.max_tokens).toBe(1024);
    expect(config.modelOptions).toEqual({
      maxTokensPerTurn: 1024,
      maxRetries: 0,
      requestTimeoutMs: 300_000,
      keepToolResults: 6,
    });
  });

  it('rejects a malformed price with the field named', () => {
    const parsed = Config.safeParse({
      test: { runner: 'node' },
      pricing: { 'claude-x': { inputPerMTok: 1 } },
    });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues[0]?.path)).toBe('["pricing","claude-x","outputPerMTok"]');
  });
});
