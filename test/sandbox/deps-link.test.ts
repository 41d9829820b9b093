import { lstat, mkdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkDependencies } from '../../sandbox/deps-link.js';
import { cleanupTemp, tempDir } from './helpers.js';

afterAll(cleanupTemp);

async function dirs(root: string, paths: string[]): Promise<void> {
  for (const path of paths) await mkdir(join(root, path), { recursive: true });
}

describe('linkDependencies', () => {
  it('links what the worktree lacks, including workspace packages, and never copies', async () => {
    const repo = await tempDir('deps-repo');
    const worktree = await tempDir('deps-wt');
    await dirs(repo, [
      'node_modules/x',
      '.venv/bin',
      'packages/app/node_modules/y',
      'vendor/bundle/ruby',
      'src',
    ]);
    await writeFile(join(repo, 'node_modules/x/index.js'), '');
    await dirs(worktree, ['packages/app', 'src', '.venv']);

    const binds = await linkDependencies(repo, worktree);
    expect(binds.map((b) => b.to).sort()).toEqual([
      join(repo, 'node_modules'),
      join(repo, 'packages/app/node_modules'),
    ]);
    expect(binds.every((b) => b.from === b.to)).toBe(true);
    expect(await readlink(join(worktree, 'packages/app/node_modules'))).toBe(
      join(repo, 'packages/app/node_modules'),
    );
    // The worktree already has .venv, and has no vendor/ folder to put bundle/ in.
    expect((await lstat(join(worktree, '.venv'))).isDirectory()).toBe(true);
    await expect(lstat(join(worktree, 'vendor'))).rejects.toThrow(/ENOENT/);
  });

  it('does nothing when the repository has no dependency dirs', async () => {
    expect(await linkDependencies(await tempDir('empty-repo'), await tempDir('empty-wt'))).toEqual([]);
  });
});
