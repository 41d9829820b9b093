import { lstat, mkdir, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkDependencies, prepareDependencies, resetRunnerCaches } from '../../sandbox/deps-link.js';
import { cleanupTemp, tempDir } from './helpers.js';

afterAll(cleanupTemp);

async function dirs(root: string, paths: string[]): Promise<void> {
  for (const path of paths) await mkdir(join(root, path), { recursive: true });
}

describe('prepareDependencies', () => {
  it('farms node_modules, links virtualenvs, and never copies', async () => {
    const repo = await tempDir('deps-repo');
    const worktree = await tempDir('deps-wt');
    await dirs(repo, [
      'node_modules/x',
      'node_modules/.bin',
      'node_modules/.cache/old',
      '.venv/bin',
      'packages/app/node_modules/y',
      'vendor/bundle/ruby',
      'src',
    ]);
    await writeFile(join(repo, 'node_modules/x/index.js'), '');
    await dirs(worktree, ['packages/app', 'src']);

    const view = await prepareDependencies(repo, worktree);
    expect(view.links.sort()).toEqual(['.venv', 'node_modules', 'packages/app/node_modules']);
    expect(view.binds.map((b) => b.to).sort()).toEqual(
      [join(repo, '.venv'), join(repo, 'node_modules'), join(repo, 'packages/app/node_modules')].sort(),
    );
    expect(view.binds.every((b) => b.from === b.to)).toBe(true);
    expect((await lstat(join(worktree, 'node_modules'))).isDirectory()).toBe(true);
    expect(await readlink(join(worktree, 'node_modules/x'))).toBe(join(repo, 'node_modules/x'));
    expect(await readlink(join(worktree, 'node_modules/.bin'))).toBe(join(repo, 'node_modules/.bin'));
    expect(await readlink(join(worktree, 'packages/app/node_modules/y'))).toBe(
      join(repo, 'packages/app/node_modules/y'),
    );
    // Runner caches are the worktree's own, fresh: the user's .cache is not shown.
    for (const cache of ['.cache', '.vite', '.vite-temp'])
      expect((await lstat(join(worktree, 'node_modules', cache))).isDirectory()).toBe(true);
    expect(await readdir(join(worktree, 'node_modules/.cache'))).toEqual([]);
    expect(await readlink(join(worktree, '.venv'))).toBe(join(repo, '.venv'));
    // The worktree has no vendor/ folder to put bundle/ in.
    await expect(lstat(join(worktree, 'vendor'))).rejects.toThrow(/ENOENT/);
    // Calling again changes nothing; the old entry point gives the same binds.
    expect(await linkDependencies(repo, worktree)).toEqual(view.binds);
  });

  it('points a workspace link at the worktree copy, not the user checkout', async () => {
    const repo = await tempDir('ws-repo');
    const worktree = await tempDir('ws-wt');
    await dirs(repo, ['packages/lib', 'node_modules']);
    await symlink('../packages/lib', join(repo, 'node_modules/lib'));
    await dirs(worktree, ['packages/lib']);
    await prepareDependencies(repo, worktree);
    expect(await readlink(join(worktree, 'node_modules/lib'))).toBe(join(worktree, 'packages/lib'));
  });

  it('resets caches and drops what a run added before the next run', async () => {
    const repo = await tempDir('reset-repo');
    const worktree = await tempDir('reset-wt');
    await dirs(repo, ['node_modules/x']);
    await prepareDependencies(repo, worktree);
    const farm = join(worktree, 'node_modules');
    await writeFile(join(farm, '.vite-temp', 'bundle.mjs'), 'old');
    await dirs(farm, ['.cache/ava/stale', 'planted']);
    await writeFile(join(farm, 'x-shadow.js'), '');
    await resetRunnerCaches(worktree);
    expect((await readdir(farm)).sort()).toEqual(['.cache', '.vite', '.vite-temp', 'x']);
    expect(await readdir(join(farm, '.vite-temp'))).toEqual([]);
    expect(await readdir(join(farm, '.cache'))).toEqual([]);
  });

  it('shows a virtualenv’s base python installation with the venv', async () => {
    const repo = await tempDir('venv-repo');
    const worktree = await tempDir('venv-wt');
    const base = await tempDir('python-prefix', '/var/tmp');
    await dirs(repo, ['.venv/bin']);
    await dirs(base, ['bin']);
    await writeFile(
      join(repo, '.venv/pyvenv.cfg'),
      `home = ${join(base, 'bin')}\ninclude-system-site-packages = false\n`,
    );
    const view = await prepareDependencies(repo, worktree);
    expect(view.binds).toContainEqual({ from: base, to: base });
    expect(view.links).toEqual(['.venv']);
  });

  it('does nothing when the repository has no dependency dirs', async () => {
    expect(await prepareDependencies(await tempDir('empty-repo'), await tempDir('empty-wt'))).toEqual({
      binds: [],
      links: [],
    });
  });
});
