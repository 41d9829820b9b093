import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFile } from '../../src/paths.js';
import { CALC, CALC_TEST, cleanupRepos, prRepo, useScratchCache, withTest } from '../ci/pr-repo.js';

const BIN = packageFile('bin', 'agentctl.js');

afterAll(cleanupRepos);

async function scratchDirs(cache: string): Promise<string[]> {
  return (await readdir(join(cache, 'worktrees')).catch(() => [])).filter((n) => n.startsWith('ci-'));
}

/**
 * `ci check` stopped by a signal in the middle of its test runs: the scratch directories it made are gone, and
 * nothing was ever registered with git (no `git worktree`).
 */
describe('a ci check stopped by a signal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s removes every scratch directory it made',
    async (signal) => {
      await useScratchCache();
      const cache = process.env.AGENTCTL_CACHE_DIR!;
      const repo = await prRepo(
        { 'src/calc.js': CALC, 'test/calc.test.js': CALC_TEST },
        { linkModules: true },
      );
      // A slow new test keeps the check busy while the signal arrives.
      const slow = "  it('waits', async () => {\n    await new Promise((r) => setTimeout(r, 20000));\n  });";
      const head = await repo.pr('slow', { 'test/calc.test.js': withTest(slow) });
      const child = execa('node', [BIN, 'ci', 'check', '--base', 'main', '--head', head], {
        cwd: repo.dir,
        reject: false,
        stdin: 'ignore',
        env: { NO_COLOR: '1', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', AGENTCTL_CACHE_DIR: cache },
      });
      const deadline = Date.now() + 60_000;
      while ((await scratchDirs(cache)).length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect((await scratchDirs(cache)).length).toBeGreaterThanOrEqual(2);
      child.kill(signal);
      const ended = await child;
      expect(ended.signal ?? ended.exitCode).toBeTruthy();
      expect(await scratchDirs(cache)).toEqual([]);
      const listed = (await execa('git', ['worktree', 'list', '--porcelain'], { cwd: repo.dir })).stdout;
      expect(listed.match(/^worktree /gm)).toHaveLength(1);
    },
    120_000,
  );
});
