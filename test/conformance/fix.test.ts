import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { agentctl, resultLine } from '../helpers/cli.js';
import { corpusCase, FIX_LAYOUTS, layoutTimeout } from './cases.js';
import { cleanupCorpus, corpusRepo } from './corpus.js';

afterAll(cleanupCorpus);

const TIMEOUT = 120_000;

async function git(dir: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd: dir })).stdout.trim();
}

// One scripted model per layout, under the default sandbox: RED, GREEN and the commit must all work where the
// runner's own configuration puts the tests.
describe('agentctl fix on the conformance corpus', () => {
  for (const layout of FIX_LAYOUTS)
    it(
      `${layout}: init, then a scripted fix commits the new test and the fix on agentctl/<run-id>`,
      async () => {
        const c = await corpusCase(layout);
        const { dir, cache } = await corpusRepo(layout);
        const env = { AGENTCTL_CACHE_DIR: cache };
        const init = await agentctl(['init'], dir, env);
        expect(init.exitCode, `${init.stdout}\n${init.stderr}`).toBe(0);
        const base = await git(dir, 'rev-parse', 'HEAD');

        const run = await agentctl(
          ['fix', c.task, '--model', `scripted:${c.cassette}`, '--yes', '--json'],
          dir,
          env,
        );
        expect(run.exitCode, `${run.stdout.slice(-3000)}\n${run.stderr}`).toBe(0);
        const result = resultLine(run.stdout);
        expect(result).toMatchObject({ type: 'result', phase: 'DONE', attempts: 0, exitCode: 0 });
        expect(result.branch).toBe(`agentctl/${String(result.runId)}`);

        const commit = String(result.commit);
        expect(await git(dir, 'rev-parse', String(result.branch))).toBe(commit);
        expect(await git(dir, 'rev-parse', `${commit}^`)).toBe(base);
        const changed = (await git(dir, 'diff', '--name-status', base, commit)).split('\n').sort();
        expect(changed).toEqual([`A\t${c.test.path}`, `M\t${c.fix.path}`].sort());
        expect(await git(dir, 'show', `${commit}:${c.test.path}`)).toBe(c.test.content.trimEnd());
        expect(await git(dir, 'show', `${commit}:${c.fix.path}`)).toBe(c.fix.after.trimEnd());
        // The user's checkout is untouched: still on main at the fixture commit, only the new config beside it.
        expect(await git(dir, 'rev-parse', 'HEAD')).toBe(base);
        expect(await git(dir, 'status', '--porcelain')).toBe('?? agentctl.config.json');
      },
      layoutTimeout(layout, TIMEOUT),
    );
});
