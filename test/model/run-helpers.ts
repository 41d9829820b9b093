import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import type { AnthropicProviderOptions } from '../../src/model/anthropic.js';
import type { ModelProvider } from '../../src/model/provider.js';
import { resolveModel } from '../../src/model/resolve.js';
import { policyApprover } from '../../src/policy/approval.js';
import { loadConfig } from '../../src/policy/config.js';
import type { Config } from '../../src/policy/config-schema.js';
import { startFix } from '../../src/runtime/session.js';
import { collectingProgress, fixtureRepo, gitOut } from '../helpers/fixture-repo.js';
import type { MockMessagesApi, MockReply } from '../helpers/mock-messages-api.js';
import { mockProvider } from './helpers.js';

export const TASK = 'average() of an empty list should return 0, not NaN';

export interface MockRunOptions {
  /** Changes the fixture repo (and commits them) before the run. */
  prepare?: (repo: string) => Promise<void>;
  config?: (config: Config) => Config;
  provider?: Partial<AnthropicProviderOptions>;
  /** Wraps the provider, e.g. in a recorder. */
  wrap?: (model: ModelProvider) => ModelProvider;
  /** A person who answers ask_user; without one the run is unattended. */
  askUser?: (question: string) => Promise<string>;
}

/** A whole gated run on a fresh calc-node repo: the real runtime, the real SDK, the loopback Messages API. */
export async function runWithMock(api: MockMessagesApi, replies: MockReply[], opts: MockRunOptions = {}) {
  const repo = await fixtureRepo('calc-node');
  await opts.prepare?.(repo);
  api.enqueue(...replies);
  const loaded = await loadConfig(repo);
  const provider = mockProvider(api, opts.provider);
  const lines: string[] = [];
  const result = await startFix(repo, TASK, {
    model: opts.wrap === undefined ? provider : opts.wrap(provider),
    approver: policyApprover(400, 'test policy'),
    progress: collectingProgress(lines),
    config: opts.config === undefined ? loaded : opts.config(loaded),
    ...(opts.askUser !== undefined ? { askUser: opts.askUser } : {}),
  });
  const journal = (await readJournal(journalPath(result.ctx.repoRoot, result.ctx.runId))).entries;
  return { repo, lines, provider, journal, ...result };
}

/** The same kind of run with the scripted provider playing a cassette file. */
export async function replayCassette(file: string) {
  const repo = await fixtureRepo('calc-node');
  const lines: string[] = [];
  const result = await startFix(repo, TASK, {
    model: await resolveModel(`scripted:${file}`, repo),
    approver: policyApprover(400, 'test policy'),
    progress: collectingProgress(lines),
  });
  return { repo, lines, ...result };
}

/** The paths a commit changed, sorted. */
export async function committedPaths(repo: string, sha: string): Promise<string[]> {
  return (await gitOut(repo, ['show', '--name-only', '--format=', sha])).split('\n').filter(Boolean).sort();
}

/** agentctl branches in the repo (none when nothing was committed). */
export async function agentBranches(repo: string): Promise<string> {
  return gitOut(repo, ['branch', '--list', 'agentctl/*']);
}
