import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TreeMap } from '../../src/git/objects.js';
import { readSafe, writeSafe } from '../../sandbox/safe-fs.js';
import { blobHash, syncTree } from '../../sandbox/tree-sync.js';

/** An in-memory object store: a tree made of `files`, and a reader for its blobs. */
function store(files: Record<string, string>, modes: Record<string, string> = {}) {
  const blobs = new Map<string, Buffer>();
  const tree: TreeMap = new Map();
  for (const [path, text] of Object.entries(files)) {
    const bytes = Buffer.from(text);
    const sha = blobHash(bytes);
    blobs.set(sha, bytes);
    tree.set(path, { mode: modes[path] ?? '100644', sha });
  }
  const read = (shas: string[]) => Promise.resolve(new Map(shas.map((s) => [s, blobs.get(s)!])));
  return { tree, read };
}

const temp = (name: string) => mkdtemp(join(tmpdir(), `agentctl-${name}-`));

describe('syncTree', () => {
  it('materializes a tree, then restores every change a run made and names it', async () => {
    const root = await temp('sync');
    const outside = join(await temp('outside'), 'victim.txt');
    await writeFile(outside, 'untouched\n');
    const { tree, read } = store(
      { 'src/a.js': 'a\n', 'bin/run': '#!/bin/sh\n', 'test/t.js': 't\n' },
      { 'bin/run': '100755' },
    );
    expect(await syncTree(root, tree, read)).toEqual(['bin/run', 'src/a.js', 'test/t.js']);
    expect((await lstat(join(root, 'bin/run'))).mode & 0o111).not.toBe(0);
    expect(await syncTree(root, tree, read)).toEqual([]);

    // What a hostile test run might do.
    await writeFile(join(root, 'src/a.js'), 'planted\n');
    await symlink(outside, join(root, 'test/zz-link.js'));
    await mkdir(join(root, '.git/hooks'), { recursive: true });
    await writeFile(join(root, '.git/config'), '[core]\n');
    await chmod(join(root, 'bin/run'), 0o644);
    await writeFile(join(root, 'extra.txt'), 'x');
    const changed = await syncTree(root, tree, read);
    expect(changed).toEqual(['.git/', 'bin/run', 'extra.txt', 'src/a.js', 'test/zz-link.js']);
    expect(await readFile(join(root, 'src/a.js'), 'utf8')).toBe('a\n');
    expect(await readFile(outside, 'utf8')).toBe('untouched\n');
    await expect(lstat(join(root, 'test/zz-link.js'))).rejects.toThrow();
    await expect(lstat(join(root, '.git'))).rejects.toThrow();
  });

  it('replaces a directory swapped for a link to the outside without writing through it', async () => {
    const root = await temp('sync-link');
    const outsideDir = await temp('outside-dir');
    const { tree, read } = store({ 'src/a.js': 'a\n' });
    await syncTree(root, tree, read);
    await rm(join(root, 'src'), { recursive: true });
    await symlink(outsideDir, join(root, 'src'));
    expect(await syncTree(root, tree, read)).toEqual(['src', 'src/a.js']);
    expect((await lstat(join(root, 'src'))).isDirectory()).toBe(true);
    await expect(lstat(join(outsideDir, 'a.js'))).rejects.toThrow();
  });

  it('leaves dependency links alone and puts back one a run re-pointed', async () => {
    const root = await temp('sync-deps');
    const deps = await temp('deps');
    const other = await temp('other');
    const { tree, read } = store({ 'a.js': 'a\n' });
    const opts = { skip: ['node_modules'], links: [{ path: 'node_modules', target: deps }] };
    expect(await syncTree(root, tree, read, opts)).toEqual(['a.js', 'node_modules']);
    expect(await syncTree(root, tree, read, opts)).toEqual([]);
    await rm(join(root, 'node_modules'));
    await symlink(other, join(root, 'node_modules'));
    expect(await syncTree(root, tree, read, opts)).toEqual(['node_modules']);
    expect(await readlink(join(root, 'node_modules'))).toBe(deps);
  });
});

describe('safe-fs', () => {
  it('never reads or writes through a link', async () => {
    const root = await temp('safe');
    const outside = join(await temp('safe-out'), 'secret');
    await writeFile(outside, 'secret\n');
    await symlink(outside, join(root, 'leak'));
    await symlink(join(outside, '..'), join(root, 'dir'));
    expect(await readSafe(root, 'leak')).toBeNull();
    expect(await readSafe(root, 'dir/secret')).toBeNull();
    await writeSafe(root, 'leak', Buffer.from('mine\n'), 0o644);
    await writeSafe(root, 'dir/secret', Buffer.from('mine\n'), 0o644);
    expect(await readFile(outside, 'utf8')).toBe('secret\n');
    expect((await readSafe(root, 'dir/secret'))?.toString()).toBe('mine\n');
  });
});
