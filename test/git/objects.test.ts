import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  blobAt,
  gitDirOf,
  readBlobs,
  readTree,
  treeOf,
  writeBlob,
  writeTree,
} from '../../src/git/objects.js';

async function repo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentctl-objects-'));
  const git = (...args: string[]) => execa('git', args, { cwd: dir });
  await git('init', '-q');
  await writeFile(join(dir, 'a.txt'), 'one\r\n');
  await git('add', '.');
  await git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'a');
  return dir;
}

describe('git objects through the real git dir only', () => {
  it('round-trips a tree with raw bytes and awkward names', async () => {
    const dir = await repo();
    const gitDir = await gitDirOf(dir);
    const entries = await readTree(gitDir, await treeOf(gitDir, 'HEAD'));
    const blob = await writeBlob(gitDir, Buffer.from('x\r\n\0y'));
    entries.set('d/e f\tg', { mode: '100755', sha: blob });
    const tree = await writeTree(gitDir, entries);
    const back = await readTree(gitDir, tree);
    expect([...back.keys()]).toEqual(['a.txt', 'd/e f\tg']);
    expect(back.get('d/e f\tg')).toEqual({ mode: '100755', sha: blob });
    const blobs = await readBlobs(
      gitDir,
      [...back.values()].map((e) => e.sha),
    );
    expect(blobs.get(blob)).toEqual(Buffer.from('x\r\n\0y'));
    expect(blobs.get(back.get('a.txt')!.sha)!.toString()).toBe('one\r\n');
    expect(await blobAt(gitDir, tree, 'd/e f\tg')).toEqual(Buffer.from('x\r\n\0y'));
    expect(await blobAt(gitDir, tree, 'd')).toBeNull();
    expect(await blobAt(gitDir, tree, 'nope missing')).toBeNull();
  });
});
