import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { replDeps } from '../../src/cli/commands/repl.js';
import type { CliIO } from '../../src/cli/io.js';
import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import type { ModelRequest } from '../../src/model/provider.js';
import { ReplSession } from '../../src/ui/repl-session.js';
import { fixtureRepo } from '../helpers/fixture-repo.js';
import { TASK } from './run-helpers.js';

const QUESTION = 'Should average([]) be 0, or should it throw?';

/** A cassette whose model asks one question, then stops. */
async function askingCassette(): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'agentctl-ask-')), 'asking.json');
  const cassette = {
    version: 1,
    name: 'asking',
    task: TASK,
    turns: [
      { expect: 'ORIENT', text: 'Plan: ask which behaviour is wanted, then test it.', calls: [] },
      {
        expect: 'AUTHOR_TEST',
        text: 'One question.',
        calls: [{ name: 'ask_user', input: { question: QUESTION } }],
      },
      {
        expect: 'AUTHOR_TEST',
        text: 'Understood.',
        calls: [{ name: 'give_up', input: { reason: 'enough for this test' } }],
      },
    ],
  };
  await writeFile(file, JSON.stringify(cassette));
  return file;
}

function io(cwd: string): CliIO {
  const stream = () => new PassThrough() as unknown as NodeJS.WriteStream;
  return {
    cwd,
    env: { USER: 'dev' },
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    stdout: stream(),
    stderr: stream(),
    onInterrupt: () => () => undefined,
  };
}

async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the REPL answers ask_user', () => {
  it("puts the model's question to the user and sends the typed line back as the answer", async () => {
    const repo = await fixtureRepo('calc-node');
    const session = new ReplSession(replDeps(io(repo)));
    session.submit(`/model scripted:${await askingCassette()}`);
    await until(() => session.getSnapshot().model !== null);
    session.submit(TASK);
    await until(() => session.getSnapshot().question !== null);
    const shown = session.getSnapshot();
    expect(shown.question).toBe(QUESTION);
    expect(shown.log.map((l) => l.text)).toContain(`the model asks: ${QUESTION}`);

    // The next line typed is the answer, even one that looks like a command.
    session.submit('0, as the task says; /status is not a command here');
    await session.settled();
    const runId = session.getSnapshot().run!.runId!;
    const entries = (await readJournal(journalPath(repo, runId))).entries;
    const requests = entries.filter((e) => e.type === 'model_request').map((e) => e.payload as ModelRequest);
    expect(requests).toHaveLength(3);
    expect(requests[1]!.tools).toContain('ask_user');
    expect(requests[1]!.unattended).toBeUndefined();
    expect(requests[2]!.feedback).toEqual([
      'The user answered: 0, as the task says; /status is not a command here',
    ]);
    expect(session.getSnapshot().question).toBeNull();
  }, 180_000);
});
