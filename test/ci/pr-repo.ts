import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { packageFile } from '../../src/paths.js';

/** A real git repo with a base commit on `main`; each pull request is a branch with one head commit. */
export interface PrRepo {
  dir: string;
  base: string;
  /** Commits `changes` (null deletes a file) on a new branch from base; returns the head commit. */
  pr(name: string, changes: Record<string, string | null>): Promise<string>;
}

const created: string[] = [];

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout.trim();
}

async function write(dir: string, files: Record<string, string | null>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const abs = join(dir, path);
    if (text === null) await rm(abs, { force: true });
    else {
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, text);
    }
  }
}

/**
 * A repo holding `files` plus a package.json, a .gitignore and an agentctl.config.json for `runner`. With
 * `linkModules`, agentctl's own node_modules is linked in (untracked), as a CI checkout would have installed.
 */
export async function prRepo(
  files: Record<string, string>,
  opts: { runner?: 'node' | 'vitest'; linkModules?: boolean } = {},
): Promise<PrRepo> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'agentctl-ci-')));
  created.push(dir);
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'config', 'user.email', 'ci@example.invalid');
  await git(dir, 'config', 'user.name', 'ci test');
  await git(dir, 'config', 'commit.gpgsign', 'false');
  await write(dir, {
    'package.json': JSON.stringify({ name: 'pr-fixture', type: 'module', private: true }),
    '.gitignore': 'node_modules\n',
    'agentctl.config.json': JSON.stringify({ test: { runner: opts.runner ?? 'node' } }),
    ...files,
  });
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'base');
  if (opts.linkModules === true) await symlink(packageFile('node_modules'), join(dir, 'node_modules'), 'dir');
  const base = await git(dir, 'rev-parse', 'HEAD');
  return {
    dir,
    base,
    async pr(name, changes) {
      await git(dir, 'checkout', '-q', '-b', name, base);
      await write(dir, changes);
      await git(dir, 'add', '-A');
      await git(dir, 'commit', '-q', '-m', name);
      const head = await git(dir, 'rev-parse', 'HEAD');
      await git(dir, 'checkout', '-q', 'main');
      return head;
    },
  };
}

/** Worktrees go to a private cache dir, removed with the repos by {@link cleanupRepos}. */
export async function useScratchCache(): Promise<void> {
  const cache = await mkdtemp(join(tmpdir(), 'agentctl-ci-cache-'));
  created.push(cache);
  process.env.AGENTCTL_CACHE_DIR = cache;
}

export async function cleanupRepos(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A small ESM module whose average([]) is NaN, and its node:test suite. */
export const CALC = `export function average(xs) {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function sum(xs) {
  return xs.reduce((a, b) => a + b, 0);
}
`;
export const CALC_FIXED = CALC.replace(
  '{\n  return xs.reduce',
  '{\n  if (xs.length === 0) return 0;\n  return xs.reduce',
);
export const CALC_TEST = `import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { average, sum } from '../src/calc.js';

describe('calc', () => {
  it('averages numbers', () => {
    assert.equal(average([1, 2, 3]), 2);
  });
  it('sums numbers', () => {
    assert.equal(sum([1, 2]), 3);
    assert.equal(sum([]), 0);
  });
});
`;
/** CALC_TEST with one more test just before the end of the describe block. */
export function withTest(test: string, source = CALC_TEST): string {
  const end = source.lastIndexOf('});');
  return `${source.slice(0, end)}${test}\n${source.slice(end)}`;
}
