import { readFile } from 'node:fs/promises';
import type { Phase } from '../../src/core/phases.js';
import type { ToolName } from '../../src/core/proposals.js';
import { AnthropicProvider, type AnthropicProviderOptions } from '../../src/model/anthropic.js';
import type { Cassette } from '../../src/model/cassette.js';
import type { ModelRequest, ToolResultMessage } from '../../src/model/provider.js';
import type { Clock } from '../../src/model/retry.js';
import { toolsForPhase } from '../../src/policy/tool-routing.js';
import { cassettePath } from '../helpers/fixture-repo.js';
import { turn, type MockMessagesApi, type MockReply } from '../helpers/mock-messages-api.js';

/** A clock that never waits and remembers every wait it was asked for. */
export function fakeClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
  };
}

/** The real provider, through the real SDK, pointed at the loopback server. */
export function mockProvider(
  api: MockMessagesApi,
  opts: Partial<AnthropicProviderOptions> = {},
): AnthropicProvider & { clock: ReturnType<typeof fakeClock> } {
  const clock = fakeClock();
  const provider = new AnthropicProvider({
    model: 'claude-sonnet-4-6',
    apiKey: 'test-key',
    baseURL: api.url,
    clock,
    ...opts,
  });
  return Object.assign(provider, { clock });
}

/** A request as ask-model builds it. */
export function request(
  phase: Phase,
  extra: { feedback?: string[]; toolResults?: ToolResultMessage[]; tools?: ToolName[]; runId?: string } = {},
): ModelRequest {
  return {
    runId: extra.runId ?? 'run-1',
    task: 'average() of an empty list should return 0, not NaN',
    phase,
    tools: extra.tools ?? toolsForPhase(phase),
    feedback: extra.feedback ?? [],
    toolResults: extra.toolResults ?? [],
  };
}

/** The replies that play a fixture cassette through the mock API, turn for turn. */
export async function repliesFromCassette(scenario: string): Promise<{ task: string; replies: MockReply[] }> {
  const cassette = JSON.parse(await readFile(cassettePath('calc-node', scenario), 'utf8')) as Cassette;
  const replies = cassette.turns.map((t) =>
    turn(t.text, ...t.calls.map((c) => ({ name: c.name, input: c.input }))),
  );
  return { task: cassette.task ?? 'fix the bug', replies };
}

/** The serialized stable prefix of a request body: what the prompt cache keys on before the conversation. */
export function stablePrefix(body: { system?: unknown; tools?: unknown }): string {
  return JSON.stringify({ system: body.system, tools: body.tools });
}
