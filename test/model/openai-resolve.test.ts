import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelUnavailableError } from '../../src/errors.js';
import { MODEL_KINDS, ollamaHost, resolveModel } from '../../src/model/resolve.js';
import { Config } from '../../src/policy/config-schema.js';
import { startMockChatApi, type MockChatApi } from '../helpers/mock-chat-api.js';
import { turn } from '../helpers/mock-messages-api.js';
import { request } from './helpers.js';

/** Model specs a user would type, resolved to real providers that reach the loopback server. */
let api: MockChatApi;
beforeEach(async () => {
  api = await startMockChatApi({ apiKey: 'k' });
});
afterEach(() => api.close());

async function refusal(spec: string, opts: Parameters<typeof resolveModel>[2] = {}): Promise<Error> {
  const err: unknown = await resolveModel(spec, '.', opts).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ModelUnavailableError);
  expect((err as ModelUnavailableError).exitCode).toBe(2);
  return err as Error;
}

describe('resolveModel for Chat Completions servers', () => {
  it('openai:<name> and a bare gpt-*/o* name reach OPENAI_BASE_URL with OPENAI_API_KEY', async () => {
    const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: api.url };
    api.enqueue(turn('one'), turn('two'));
    const named = await resolveModel('openai:gpt-4o', '.', { env });
    expect(named.name).toBe('openai:gpt-4o');
    expect((await named.next(request('ORIENT'))).turn.text).toBe('one');
    const bare = await resolveModel('o4-mini', '.', { env });
    expect(bare.name).toBe('openai:o4-mini');
    await bare.next(request('ORIENT'));
    expect(api.requests[0]!.body).toMatchObject({ model: 'gpt-4o', max_completion_tokens: 8192 });
    expect(api.requests[0]!.body.messages[0]!.role).toBe('system');
    // A reasoning model takes its instructions as a developer message.
    expect(api.requests[1]!.body.messages[0]!.role).toBe('developer');
    expect((await resolveModel('claude-sonnet-4-6', '.', { env: { ANTHROPIC_API_KEY: 'x' } })).name).toBe(
      'anthropic:claude-sonnet-4-6',
    );
  });

  it('without OPENAI_API_KEY, openai:<name> is a usage error naming the variable', async () => {
    expect((await refusal('gpt-4.1', { env: {} })).message).toMatch(/OPENAI_API_KEY is not set/);
  });

  it('an unknown kind lists every kind', async () => {
    const err = await refusal('mistral:large', { env: {} });
    for (const kind of MODEL_KINDS) expect(err.message).toContain(kind);
  });

  it('openai-compatible:<name> takes its endpoint and key variable from the config', async () => {
    const config = Config.parse({
      test: { runner: 'node' },
      modelOptions: { baseUrl: api.url, apiKeyEnv: 'GATEWAY_KEY', maxTokensPerTurn: 1000 },
    });
    expect((await refusal('openai-compatible:m', { env: {}, config })).message).toMatch(
      /GATEWAY_KEY is not set/,
    );
    const noUrl = Config.parse({ test: { runner: 'node' } });
    expect((await refusal('openai-compatible:m', { env: {}, config: noUrl })).message).toMatch(
      /modelOptions.baseUrl is not set/,
    );
    api.enqueue(turn('hello'));
    const model = await resolveModel('openai-compatible:qwen2.5-coder', '.', {
      env: { GATEWAY_KEY: 'k' },
      config,
    });
    expect(model.name).toBe('openai-compatible:qwen2.5-coder');
    expect((await model.next(request('ORIENT'))).turn.text).toBe('hello');
    expect(api.requests[0]!.body).toMatchObject({ model: 'qwen2.5-coder', max_tokens: 1000 });
  });

  it('ollama:<name> reads OLLAMA_HOST as Ollama does and costs nothing', async () => {
    expect(ollamaHost(undefined)).toBe('http://127.0.0.1:11434');
    expect(ollamaHost('0.0.0.0')).toBe('http://127.0.0.1:11434');
    expect(ollamaHost('gpu-box:9000')).toBe('http://gpu-box:9000');
    expect(ollamaHost('https://ollama.example')).toBe('https://ollama.example:11434');
    expect((await refusal('ollama', { env: {} })).message).toMatch(/needs a model name/);
    // The loopback server plays Ollama: its /v1 sits under the host it listens on, and it wants no real key.
    const local = await startMockChatApi({ apiKey: 'ollama' });
    try {
      local.enqueue(turn('local'));
      const host = local.url.replace(/\/v1$/, '');
      const model = await resolveModel('ollama:qwen2.5-coder:14b', '.', { env: { OLLAMA_HOST: host } });
      const response = await model.next(request('ORIENT'));
      expect(response.turn.text).toBe('local');
      expect(response.usage.costUsd).toBe(0);
      expect(response.meta?.note).toBeUndefined();
      expect(local.requests[0]!.body.model).toBe('qwen2.5-coder:14b');
    } finally {
      await local.close();
    }
  });
});
