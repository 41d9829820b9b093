import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, agentctl, resultLine } from '../helpers/cli.js';
import { fixtureRepo, gitOut } from '../helpers/fixture-repo.js';
import { startMockChatApi, type MockChatApi } from '../helpers/mock-chat-api.js';
import { repliesFromCassette } from './helpers.js';

/** The built CLI with the real openai SDK against the loopback Chat Completions server, across a SIGKILL. */
let api: MockChatApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('openai provider through the CLI', () => {
  it('a SIGKILL during a model call, then resume: only the interrupted call is bought again, one commit', async () => {
    api = await startMockChatApi({ apiKey: 'test-key' });
    const { task, replies } = await repliesFromCassette('happy-path');
    const fix = replies.at(-1)!;
    // The fix turn hangs, so the process is surely inside a model call when it is killed.
    api.enqueue(...replies.slice(0, -1), {
      ...(fix as Extract<typeof fix, { kind: 'turn' }>),
      delayMs: 60_000,
    });
    const repo = await fixtureRepo('calc-node');
    const env = { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: api.url, AGENTCTL_RUN_ID: 'openai-crash' };
    const child = execa('node', [BIN, 'fix', task, '--yes', '--json', '--model', 'gpt-4.1'], {
      cwd: repo,
      reject: false,
      env,
      stdin: 'ignore',
    });
    await waitFor(() => api!.requests.length === replies.length, 60_000);
    child.kill('SIGKILL');
    expect((await child).signal).toBe('SIGKILL');

    api.enqueue(fix);
    const resumed = await agentctl(['resume', 'openai-crash', '--yes', '--json'], repo, env);
    expect(resumed.exitCode, resumed.stdout.slice(-1500) + resumed.stderr).toBe(0);
    expect(resultLine(resumed.stdout)).toMatchObject({ phase: 'DONE' });
    // Only the interrupted call was made again, and it carried the whole conversation bought before the crash.
    expect(api.requests).toHaveLength(replies.length + 1);
    expect(api.requests.at(-1)!.body).toEqual(api.requests.at(-2)!.body);
    expect(await gitOut(repo, ['rev-list', '--count', 'HEAD..agentctl/openai-crash'])).toBe('1');
  }, 180_000);
});
