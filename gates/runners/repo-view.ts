import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileInTree, raw } from '../../src/git/repo.js';
import type { RepoView } from './types.js';

// Never test sources: dependencies, VCS data, build output, caches.
const SKIP = new Set([
  'node_modules',
  '.git',
  '.agentctl',
  '.venv',
  'venv',
  '__pycache__',
  '.pytest_cache',
  'dist',
  'build',
  'coverage',
]);
const MAX_FILES = 20_000;

/** The files of a folder on disk, walked without following links. */
export async function diskView(root: string): Promise<RepoView> {
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= MAX_FILES) return;
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) await walk(path);
      } else if (entry.isFile()) files.push(path);
    }
  };
  await walk('');
  return { files, read: (path) => readFile(join(root, path), 'utf8').catch(() => null) };
}

/** The files of one commit, read from git's object store (nothing on disk is trusted). */
export async function treeView(root: string, commit: string): Promise<RepoView> {
  const out = await raw(root, ['ls-tree', '-r', '-z', '--name-only', commit]);
  const files = out.split('\0').filter((p) => p !== '');
  return { files, read: (path) => fileInTree(root, commit, path) };
}

/** The part of a view under one folder, with paths relative to it. */
export function subView(repo: RepoView, dir: string): RepoView {
  if (dir === '') return repo;
  const prefix = `${dir}/`;
  return {
    files: repo.files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length)),
    read: (path) => repo.read(prefix + path),
  };
}
