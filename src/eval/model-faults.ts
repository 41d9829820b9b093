import type { Cassette } from '../model/cassette.js';
import type { ModelProvider } from '../model/provider.js';
import { resolveModel } from '../model/resolve.js';
import type { Config } from '../policy/config-schema.js';
import { httpError, startMockMessagesApi, turn, type MockReply } from './messages-api-server.js';
import type { Scenario } from './scenario.js';

type Fault = NonNullable<Scenario['modelFaults']>[number];

/** The reply that injects one fault; the retry that follows gets the real turn queued after it. */
function faultReply(fault: Fault['fault'], config: Config): MockReply {
  switch (fault) {
    case 'rate_limit':
      return httpError(429, 'rate_limit_error', '0');
    case 'overloaded':
      return httpError(529, 'overloaded_error', '0');
    case 'server_error':
      return httpError(500, 'api_error', '0');
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

/**
 * The cassette played by the real Anthropic provider against a loopback Messages API that answers some turns
 * with a fault first, so a scenario can show the run retries and still does every effect exactly once.
 */
export async function faultyModel(
  cassette: Cassette,
  faults: readonly Fault[],
  config: Config,
  cwd: string,
): Promise<{
  model: ModelProvider;
  unused: () => number;
  /** Every request body the model was sent, as JSON text, for checks on what went over the wire. */
  wire: () => string[];
  close: () => Promise<void>;
}> {
  const api = await startMockMessagesApi({ apiKey: 'eval' });
  cassette.turns.forEach((t, i) => {
    for (const f of faults.filter((x) => x.beforeTurn === i + 1)) api.enqueue(faultReply(f.fault, config));
    api.enqueue(turn(t.text, ...t.calls.map((c) => ({ name: c.name, input: c.input }))));
  });
  const model = await resolveModel('anthropic:claude-sonnet-4-6', cwd, {
    config,
    env: { ANTHROPIC_API_KEY: 'eval', ANTHROPIC_BASE_URL: api.url },
  });
  return {
    model,
    unused: () => api.pending(),
    wire: () => api.requests.map((r) => JSON.stringify(r.body)),
    close: () => api.close(),
  };
}
