import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import { OpenAIProvider, type OpenAIProviderOptions } from '../../src/model/openai/provider.js';
import type { ModelProvider } from '../../src/model/provider.js';
import { policyApprover } from '../../src/policy/approval.js';
import { loadConfig } from '../../src/policy/config.js';
import type { Config } from '../../src/policy/config-schema.js';
import { startFix } from '../../src/runtime/session.js';
import { collectingProgress, fixtureRepo } from '../helpers/fixture-repo.js';
import type { ChatMockReply, MockChatApi } from '../helpers/mock-chat-api.js';
import { fakeClock } from './helpers.js';
import { TASK } from './run-helpers.js';

/** The OpenAI provider, through the real openai SDK, pointed at the loopback Chat Completions server. */
export function chatProvider(
  api: MockChatApi,
  opts: Partial<OpenAIProviderOptions> = {},
): OpenAIProvider & { clock: ReturnType<typeof fakeClock> } {
  const clock = fakeClock();
  const provider = new OpenAIProvider({
    model: 'gpt-4.1',
    apiKey: 'test-key',
    baseURL: api.url,
    keyHint: 'OPENAI_API_KEY',
    clock,
    ...opts,
  });
  return Object.assign(provider, { clock });
}

/** A whole gated run on a fresh calc-node repo: the real runtime, the real openai SDK, the loopback server. */
export async function runWithChat(
  api: MockChatApi,
  replies: ChatMockReply[],
  opts: {
    config?: (config: Config) => Config;
    provider?: Partial<OpenAIProviderOptions>;
    wrap?: (model: ModelProvider) => ModelProvider;
  } = {},
) {
  const repo = await fixtureRepo('calc-node');
  api.enqueue(...replies);
  const loaded = await loadConfig(repo);
  const provider = chatProvider(api, opts.provider);
  const lines: string[] = [];
  const result = await startFix(repo, TASK, {
    model: opts.wrap === undefined ? provider : opts.wrap(provider),
    approver: policyApprover(400, 'test policy'),
    progress: collectingProgress(lines),
    config: opts.config === undefined ? loaded : opts.config(loaded),
  });
  const journal = (await readJournal(journalPath(result.ctx.repoRoot, result.ctx.runId))).entries;
  return { repo, lines, provider, journal, ...result };
}
