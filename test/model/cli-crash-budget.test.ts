import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, agentctl, resultLine } from '../helpers/cli.js';
import { fixtureRepo, gitOut } from '../helpers/fixture-repo.js';
import { startMockMessagesApi, type MockMessagesApi } from '../helpers/mock-messages-api.js';
import { repliesFromCassette } from './helpers.js';

/** The built CLI with the real SDK against the loopback Messages API: crashes and budgets across processes. */
let api: MockMessagesApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const MODEL = 'anthropic:claude-sonnet-4-6';
const envFor = (url: string, runId: string) => ({
  ANTHROPIC_API_KEY: 'test-key',
  ANTHROPIC_BASE_URL: url,
  AGENTCTL_RUN_ID: runId,
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('anthropic provider through the CLI', () => {
  it('a SIGKILL during a model call, then resume: the bought responses are reused and there is one commit', async () => {
    api = await startMockMessagesApi({ apiKey: 'test-key' });
    const { task, replies } = await repliesFromCassette('happy-path');
    const fix = replies.at(-1)!;
    // The fix turn hangs, so the process is surely inside a model call when it is killed.
    api.enqueue(...replies.slice(0, -1), {
      ...(fix as Extract<typeof fix, { kind: 'turn' }>),
      delayMs: 60_000,
    });
    const repo = await fixtureRepo('calc-node');
    const env = envFor(api.url, 'model-crash');
    const child = execa('node', [BIN, 'fix', task, '--yes', '--json', '--model', MODEL], {
      cwd: repo,
      reject: false,
      env,
      stdin: 'ignore',
    });
    await waitFor(() => api!.requests.length === replies.length, 60_000);
    child.kill('SIGKILL');
    expect((await child).signal).toBe('SIGKILL');

    api.enqueue(fix);
    const resumed = await agentctl(['resume', 'model-crash', '--yes', '--json'], repo, env);
    expect(resumed.exitCode, resumed.stdout.slice(-1500) + resumed.stderr).toBe(0);
    expect(resultLine(resumed.stdout)).toMatchObject({ phase: 'DONE' });
    // Only the interrupted call was made again; nothing bought before the crash was bought twice.
    expect(api.requests).toHaveLength(replies.length + 1);
    expect(await gitOut(repo, ['rev-list', '--count', 'HEAD..agentctl/model-crash'])).toBe('1');
  });

  it('an exhausted token budget exits 4; resume --budget continues the same run to a commit', async () => {
    api = await startMockMessagesApi({ apiKey: 'test-key' });
    const { task, replies } = await repliesFromCassette('happy-path');
    api.enqueue(
      ...replies.map((r) =>
        r.kind === 'turn' ? { ...r, usage: { input_tokens: 1000, output_tokens: 50 } } : r,
      ),
    );
    const repo = await fixtureRepo('calc-node');
    await writeFile(
      join(repo, 'agentctl.config.json'),
      JSON.stringify({ test: { runner: 'node' }, budgets: { maxInputTokens: 1500 } }),
    );
    await gitOut(repo, ['commit', '-qam', 'tight budget']);
    const env = envFor(api.url, 'budget-run');
    const first = await agentctl(['fix', task, '--yes', '--json', '--model', MODEL], repo, env);
    expect(first.exitCode, first.stdout.slice(-1500) + first.stderr).toBe(4);
    expect(resultLine(first.stdout)).toMatchObject({ phase: 'BUDGET_EXHAUSTED' });
    expect(String(resultLine(first.stdout).reason)).toMatch(/input tokens/);

    const resumed = await agentctl(
      ['resume', 'budget-run', '--yes', '--json', '--budget', 'input=100000'],
      repo,
      env,
    );
    expect(resumed.exitCode, resumed.stdout.slice(-1500) + resumed.stderr).toBe(0);
    expect(resultLine(resumed.stdout)).toMatchObject({ phase: 'DONE', runId: 'budget-run' });
    expect(await gitOut(repo, ['rev-list', '--count', 'HEAD..agentctl/budget-run'])).toBe('1');
  });
});
