import type { Cassette } from '../model/cassette.js';
import type { ModelProvider } from '../model/provider.js';
import { resolveModel } from '../model/resolve.js';
import type { Config } from '../policy/config-schema.js';
import { startMockChatApi } from './chat-completions-server.js';
import { httpError, startMockMessagesApi, turn, type MockReply } from './messages-api-server.js';
import type { Scenario } from './scenario.js';

type Fault = NonNullable<Scenario['modelFaults']>[number];

/** Which real provider plays a scenario's cassette against its loopback server. */
export type FaultProvider = NonNullable<Scenario['modelProvider']>;

/** The error types each API sends for the same fault. */
const ERROR_TYPES: Record<FaultProvider, { rateLimit: string; overloaded: string; server: string }> = {
  anthropic: { rateLimit: 'rate_limit_error', overloaded: 'overloaded_error', server: 'api_error' },
  openai: { rateLimit: 'requests', overloaded: 'server_error', server: 'server_error' },
};

/** The reply that injects one fault; the retry that follows gets the real turn queued after it. */
function faultReply(fault: Fault['fault'], config: Config, provider: FaultProvider): MockReply {
  const types = ERROR_TYPES[provider];
  switch (fault) {
    case 'rate_limit':
      return httpError(429, types.rateLimit, '0');
    case 'overloaded':
      return httpError(provider === 'anthropic' ? 529 : 503, types.overloaded, '0');
    case 'server_error':
      return httpError(500, types.server, '0');
    case 'drop':
      return { kind: 'drop' };
    case 'timeout':
      return { kind: 'turn', text: 'too late', delayMs: config.modelOptions.requestTimeoutMs + 3000 };
    default: {
      const never: never = fault;
      return never;
    }
  }
}

/** A loopback server of either API, with the provider spec and environment that reach it. */
async function loopback(provider: FaultProvider) {
  if (provider === 'openai') {
    const api = await startMockChatApi({ apiKey: 'eval' });
    return { api, spec: 'openai:gpt-4.1', env: { OPENAI_API_KEY: 'eval', OPENAI_BASE_URL: api.url } };
  }
  const api = await startMockMessagesApi({ apiKey: 'eval' });
  return {
    api,
    spec: 'anthropic:claude-sonnet-4-6',
    env: { ANTHROPIC_API_KEY: 'eval', ANTHROPIC_BASE_URL: api.url },
  };
}

/**
 * The cassette played by a real provider (Anthropic's on the loopback Messages API, or OpenAI's on the loopback
 * Chat Completions API) that answers some turns with a fault first, so a scenario can show the run retries and
 * still does every effect exactly once.
 */
export async function faultyModel(
  cassette: Cassette,
  faults: readonly Fault[],
  config: Config,
  cwd: string,
  provider: FaultProvider = 'anthropic',
): Promise<{
  model: ModelProvider;
  unused: () => number;
  /** Every request body the model was sent, as JSON text, for checks on what went over the wire. */
  wire: () => string[];
  close: () => Promise<void>;
}> {
  const { api, spec, env } = await loopback(provider);
  cassette.turns.forEach((t, i) => {
    for (const f of faults.filter((x) => x.beforeTurn === i + 1))
      api.enqueue(faultReply(f.fault, config, provider));
    api.enqueue(turn(t.text, ...t.calls.map((c) => ({ name: c.name, input: c.input }))));
  });
  const model = await resolveModel(spec, cwd, { config, env });
  return {
    model,
    unused: () => api.pending(),
    wire: () => api.requests.map((r) => JSON.stringify(r.body)),
    close: () => api.close(),
  };
}
