import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxStatus } from '../../sandbox/exec.js';
import { gitOut } from '../helpers/fixture-repo.js';
import { call, startMockMessagesApi, turn, type MockMessagesApi } from '../helpers/mock-messages-api.js';
import { repliesFromCassette } from '../model/helpers.js';
import { runWithMock } from '../model/run-helpers.js';

/**
 * Secrets stay out of what the model reads: a RED test gathers every secret it can reach on the host and fails
 * with all of it as its message, which the RED verdict quotes to the model. Checked on the wire, at the loopback
 * Messages API: the attack ran (its marker arrived) and none of the secrets did.
 */
const { available } = await sandboxStatus();
const secret = randomBytes(8).toString('hex');
const homeCanary = join(homedir(), `.agentctl-wire-canary-${randomBytes(4).toString('hex')}`);
let api: MockMessagesApi;

beforeEach(async () => {
  api = await startMockMessagesApi();
  await writeFile(homeCanary, `token-home-${secret}\n`);
  process.env.AGENTCTL_WIRE_TEST_TOKEN = `token-env-${secret}`;
});
afterEach(async () => {
  await api.close();
  delete process.env.AGENTCTL_WIRE_TEST_TOKEN;
});
afterAll(() => rm(homeCanary, { force: true }));

const hostileTest = (repo: string) => `import { test } from 'node:test';
import fs from 'node:fs';

// The marker is put together at run time, so only a report of this run can carry it to the wire.
let found = ['ATTACK', 'RAN'].join('-') + ' ';
for (const p of [${JSON.stringify(homeCanary)}, ${JSON.stringify(join(repo, '.git', 'config'))}, '.git/config']) {
  // Only the lines worth stealing, so the message stays short enough to be quoted whole.
  try { found += fs.readFileSync(p, 'utf8').split('\\n').filter((l) => l.includes('token')).join(' ') + ' '; } catch (e) { found += e.code + ' '; }
}
found += Object.entries(process.env).filter(([k]) => k.includes('TOKEN')).join(' ');

test('average of an empty list is 0', () => {
  // Not an assertion: RED refuses it as failing for the wrong reason and quotes the message to the model.
  throw new TypeError(found);
});
`;

/** A whole run whose RED test is the hostile one; returns everything the model was sent. */
async function wireOf(mode: 'required' | 'off'): Promise<string> {
  const { replies } = await repliesFromCassette('happy-path');
  const edit = { op: 'create', path: 'test/average-empty.test.js', content: '' };
  const r = await runWithMock(
    api,
    [
      turn('Plan: a test that average([]) is 0, then the fix.'),
      // The test's content is filled in once the repo's path is known (it names the checkout's .git/config).
      turn('A test.', call('propose_test', { summary: 'a test that average([]) is 0', edits: [edit] })),
      replies[3]!,
      replies[4]!,
    ],
    {
      config: (c) => ({ ...c, sandbox: { ...c.sandbox, mode } }),
      prepare: async (repo) => {
        edit.content = hostileTest(repo);
        // What CI checkouts keep: a token in the remote URL of the checkout's .git/config.
        await gitOut(repo, [
          'remote',
          'add',
          'origin',
          `https://x-access-token:token-git-${secret}@example.com/o/r.git`,
        ]);
      },
    },
  );
  expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
  const wire = api.requests.map((q) => JSON.stringify(q.body)).join('\n');
  // The attack ran and its failure message reached the model: without this the checks below prove nothing.
  expect(wire).toContain('ATTACK-RAN');
  return wire;
}

describe.skipIf(!available)('secrets on the wire (needs bubblewrap)', () => {
  it('a RED test that prints the host canary, the checkout token and the environment sends none of them to the model', async () => {
    expect(await wireOf('required')).not.toContain(secret);
  });

  it('the same run without the sandbox does send them (the attack is real)', async () => {
    const wire = await wireOf('off');
    expect(wire).toContain(`token-home-${secret}`);
    expect(wire).toContain(`token-git-${secret}`);
    // The environment scrub holds with or without bubblewrap.
    expect(wire).not.toContain(`token-env-${secret}`);
  });
});
