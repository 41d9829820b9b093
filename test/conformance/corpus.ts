import { access, cp, mkdtemp, readdir, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageFile, packageRoot } from '../../src/paths.js';

const made: string[] = [];

/** Folders of a fixture holding a package.json below its root (workspace packages), up to two levels down. */
async function packageDirs(root: string, rel = '', depth = 2): Promise<string[]> {
  if (depth === 0) return [];
  const found: string[] = [];
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules') continue;
    const dir = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (
      await access(join(root, dir, 'package.json')).then(
        () => true,
        () => false,
      )
    )
      found.push(dir);
    found.push(...(await packageDirs(root, dir, depth - 1)));
  }
  return found;
}

/**
 * A temp git repository holding one conformance fixture (fixtures/conformance/<layout>), committed, with
 * agentctl's own node_modules linked in (it has vitest, jest, mocha and ava) at the root and in each workspace
 * package, as an install would give each package its own. Also returns a private cache dir for the worktrees
 * agentctl makes.
 */
export async function corpusRepo(layout: string): Promise<{ dir: string; cache: string }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), `agentctl-conformance-${layout}-`)));
  const cache = await mkdtemp(join(tmpdir(), 'agentctl-conformance-cache-'));
  made.push(dir, cache);
  await cp(packageFile('fixtures', 'conformance', layout), dir, { recursive: true });
  for (const pkg of ['', ...(await packageDirs(dir))])
    await symlink(join(packageRoot(), 'node_modules'), join(dir, pkg, 'node_modules'), 'dir');
  const git = (...args: string[]) => execa('git', args, { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'fixture');
  return { dir, cache };
}

/** Removes every repository made by {@link corpusRepo}. */
export async function cleanupCorpus(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}
