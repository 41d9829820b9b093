import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { CiVerdict } from '../../src/ci/verdict.js';
import { agentctl } from '../helpers/cli.js';
import { corpusCase, FIX_LAYOUTS, layoutTimeout } from './cases.js';
import { cleanupCorpus, corpusRepo } from './corpus.js';

afterAll(cleanupCorpus);

const TIMEOUT = 120_000;

async function git(dir: string, ...args: string[]): Promise<string> {
  const id = ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false'];
  return (await execa('git', [...id, ...args], { cwd: dir })).stdout.trim();
}

/** Commits `changes` (null deletes) on a new branch from `base`; returns the commit and leaves main checked out. */
async function prCommit(
  dir: string,
  base: string,
  name: string,
  changes: Record<string, string | null>,
): Promise<string> {
  await git(dir, 'checkout', '-q', '-b', name, base);
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) await rm(join(dir, path));
    else {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  }
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', name);
  const head = await git(dir, 'rev-parse', 'HEAD');
  await git(dir, 'checkout', '-q', 'main');
  return head;
}

function check(dir: string, cache: string, base: string, head: string) {
  return agentctl(['ci', 'check', '--base', base, '--head', head, '--json'], dir, {
    AGENTCTL_CACHE_DIR: cache,
    GITHUB_ACTIONS: '',
    GITHUB_STEP_SUMMARY: '',
  });
}

/** A corpus repo with agentctl's config committed on main (the base), and the layout's cassette read back. */
async function baseRepo(layout: string) {
  const c = await corpusCase(layout);
  const { dir, cache } = await corpusRepo(layout);
  const init = await agentctl(['init', '--no-verify'], dir, { AGENTCTL_CACHE_DIR: cache });
  expect(init.exitCode, init.stderr).toBe(0);
  await git(dir, 'add', 'agentctl.config.json');
  await git(dir, 'commit', '-q', '-m', 'agentctl config');
  const base = await git(dir, 'rev-parse', 'HEAD');
  const fix = { [c.test.path]: c.test.content, [c.fix.path]: c.fix.after };
  return { c, dir, cache, base, fix };
}

// The pull request rule on each real layout: the new test must be found where the runner looks, fail on base by
// assertion and pass on head; deleting a test the project had must fail the check even beside a valid RED test.
describe('agentctl ci check on the conformance corpus', () => {
  for (const layout of FIX_LAYOUTS) {
    it(
      `${layout}: passes a pull request holding a RED test and its fix (exit 0)`,
      async () => {
        const { c, dir, cache, base, fix } = await baseRepo(layout);
        const good = await prCommit(dir, base, 'good', fix);
        const pass = await check(dir, cache, base, good);
        expect(pass.exitCode, `${pass.stdout}\n${pass.stderr}`).toBe(0);
        const verdict = JSON.parse(pass.stdout) as CiVerdict;
        expect(verdict.ok).toBe(true);
        expect(verdict.findings).toEqual([]);
        // No note: every suite ran in the sandbox (an unsandboxed run would say so here).
        expect(verdict.notes).toEqual([]);
        expect(verdict.evidence.map((e) => [e.file, e.counts, e.onHead])).toEqual([
          [c.test.path, true, 'passed'],
        ]);
        expect(verdict.evidence[0]?.onBase).toContain(' fails by assertion');
      },
      layoutTimeout(layout, TIMEOUT),
    );

    it(
      `${layout}: fails a pull request that deletes a test file beside the RED test and fix (exit 1)`,
      async () => {
        const { c, dir, cache, base, fix } = await baseRepo(layout);
        const bad = await prCommit(dir, base, 'bad', { ...fix, [c.existingTest]: null });
        const fail = await check(dir, cache, base, bad);
        expect(fail.exitCode, `${fail.stdout}\n${fail.stderr}`).toBe(1);
        const verdict = JSON.parse(fail.stdout) as CiVerdict;
        expect(verdict.ok).toBe(false);
        expect(verdict.findings).toContainEqual(
          expect.objectContaining({ rule: 'test_deleted', file: c.existingTest }),
        );
        // The deletion is the only thing wrong with it: the new test is still valid RED evidence.
        expect(verdict.evidence.map((e) => [e.file, e.counts])).toEqual([[c.test.path, true]]);
      },
      layoutTimeout(layout, TIMEOUT),
    );
  }
});
