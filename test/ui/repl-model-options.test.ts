import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { replDeps } from '../../src/cli/commands/repl.js';
import type { CliIO } from '../../src/cli/io.js';
import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import { ReplSession } from '../../src/ui/repl-session.js';
import { fixtureRepo, gitOut } from '../helpers/fixture-repo.js';
import {
  startMockMessagesApi,
  turn,
  type MockMessagesApi,
  type MockReply,
} from '../helpers/mock-messages-api.js';

const TASK = 'average() of an empty list should return 0, not NaN';

let api: MockMessagesApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function io(cwd: string, env: NodeJS.ProcessEnv): CliIO {
  const stream = () => new PassThrough() as unknown as NodeJS.WriteStream;
  return {
    cwd,
    env,
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    stdout: stream(),
    stderr: stream(),
    onInterrupt: () => () => undefined,
  };
}

/** calc-node whose agentctl.config.json names the real provider and sets its limits. */
async function configuredRepo(modelOptions: Record<string, number>): Promise<string> {
  const repo = await fixtureRepo('calc-node');
  const config = { test: { runner: 'node' }, model: 'anthropic:claude-sonnet-4-6', modelOptions };
  await writeFile(join(repo, 'agentctl.config.json'), JSON.stringify(config));
  await gitOut(repo, ['commit', '-qam', 'model options']);
  return repo;
}

describe('a REPL run honours modelOptions from agentctl.config.json', () => {
  it('sends the configured max tokens and cuts a stalled response at the configured timeout', async () => {
    api = await startMockMessagesApi({ apiKey: 'test-key' });
    // The reply stalls far past the configured 1 s timeout; with no retries configured the run fails on it.
    api.enqueue({ ...(turn('Reading the code.') as Extract<MockReply, { kind: 'turn' }>), delayMs: 120_000 });
    const repo = await configuredRepo({ maxTokensPerTurn: 1234, requestTimeoutMs: 1000, maxRetries: 0 });
    const env = { USER: 'dev', ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: api.url };
    const session = new ReplSession(replDeps(io(repo, env)));

    session.submit(TASK);
    // The run starts once the configured model is read; settled() then waits for it.
    while (session.getSnapshot().run === null) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await session.settled();
    const log = session.getSnapshot().log.map((l) => l.text);

    expect(api.requests, log.join('\n')).toHaveLength(1);
    expect(api.requests[0]!.body.max_tokens).toBe(1234);
    // Cut by the configured timeout, not the default five minutes nor the stalled reply's two.
    expect(Date.now() - started).toBeLessThan(60_000);
    const runId = session.getSnapshot().run!.runId!;
    const entries = (await readJournal(journalPath(repo, runId))).entries;
    const ended = entries.findLast((e) => e.type === 'run_finished');
    expect(ended?.phase, log.join('\n')).toBe('FAILED');
    const failed = entries
      .filter((e) => e.type === 'effect_result')
      .map((e) => JSON.stringify(e.payload))
      .find((text) => text.includes('model_failed'));
    expect(failed).toMatch(/time/i);
  }, 180_000);
});
