import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, agentctl, resultLine } from '../helpers/cli.js';
import { fixtureRepo, gitOut } from '../helpers/fixture-repo.js';
import {
  call,
  startMockMessagesApi,
  turn,
  type MockMessagesApi,
  type MockReply,
} from '../helpers/mock-messages-api.js';
import { repliesFromCassette } from '../model/helpers.js';
import { runWithMock } from '../model/run-helpers.js';

let api: MockMessagesApi;
afterEach(() => api.close());

const LONG = `src/${'a'.repeat(300)}.js`;
const longFix = call('propose_fix', {
  summary: 'Fix average in a helper module.',
  edits: [{ op: 'create', path: LONG, content: 'export const zero = 0;\n' }],
});

describe('a file name too long for the file system', () => {
  it('is refused and counted as an attempt; three of them end the run ESCALATED, not crashed', async () => {
    api = await startMockMessagesApi();
    const { replies } = await repliesFromCassette('happy-path');
    const r = await runWithMock(api, [
      ...replies.slice(0, 4),
      turn('Helper.', longFix),
      turn('Helper again.', longFix),
      turn(
        'In a directory.',
        call('propose_fix', {
          summary: 'x',
          diff: `--- /dev/null\n+++ b/${'d'.repeat(300)}/x.js\n@@ -0,0 +1 @@\n+x\n`,
        }),
      ),
    ]);
    expect(r.state.phase, r.lines.join('\n')).toBe('ESCALATED');
    expect(r.state.history.map((h) => [h.kind, /rule too_long/.test(h.reason)])).toEqual([
      ['scope', true],
      ['scope', true],
      ['scope', true],
    ]);
    expect(r.state.history[0]!.reason).toMatch(/is 303 bytes; the file system allows 255/);
  });

  it('a run killed with the proposal in hand resumes through the refusal to a commit', async () => {
    api = await startMockMessagesApi({ apiKey: 'test-key' });
    const { task, replies } = await repliesFromCassette('happy-path');
    const all: MockReply[] = [...replies.slice(0, 4), turn('Helper.', longFix), replies[4]!];
    api.enqueue(...all.slice(0, 5));
    const repo = await fixtureRepo('calc-node');
    const env = {
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: api.url,
      AGENTCTL_RUN_ID: 'long-name',
    };
    const model = ['--model', 'anthropic:claude-sonnet-4-6'];
    // Killed right after the fifth response (the long name) arrived, before the runtime acted on it.
    const first = await execa('node', [BIN, 'fix', task, '--yes', '--json', ...model], {
      cwd: repo,
      reject: false,
      stdin: 'ignore',
      env: { ...env, AGENTCTL_FAILPOINT: 'model:after_response@5' },
    });
    expect(first.signal, first.stdout.slice(-1500) + first.stderr).toBe('SIGKILL');

    api.enqueue(all[5]!);
    const resumed = await agentctl(['resume', 'long-name', '--yes', '--json'], repo, env);
    expect(resumed.exitCode, resumed.stdout.slice(-1500) + resumed.stderr).toBe(0);
    expect(resultLine(resumed.stdout)).toMatchObject({ phase: 'DONE' });
    expect(resumed.stdout).toMatch(/rule too_long/);
    expect(await gitOut(repo, ['rev-list', '--count', 'HEAD..agentctl/long-name'])).toBe('1');
    expect(await readdir(join(repo, 'src'))).not.toContain(LONG.slice(4));
  });
});
