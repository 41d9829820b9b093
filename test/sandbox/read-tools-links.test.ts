import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReadTool } from '../../src/runtime/read-tools.js';

/** The model's read tools go through safe-fs: a link planted in the worktree never shows what it points at. */
describe('read tools and planted links', () => {
  it('read_file, list_files and search_text never follow a link out of the worktree', async () => {
    const worktree = await mkdtemp(join(tmpdir(), 'agentctl-read-'));
    const outside = await mkdtemp(join(tmpdir(), 'agentctl-secret-'));
    await writeFile(join(outside, 'secret.txt'), 'TOKEN=hunter2\n');
    await mkdir(join(worktree, 'src'));
    await writeFile(join(worktree, 'src/a.js'), 'export const a = 1;\n');
    await symlink(join(outside, 'secret.txt'), join(worktree, 'src/leak.js'));
    await symlink(outside, join(worktree, 'vendor'));
    const call = (name: string, input: unknown) => runReadTool(worktree, { name, input }, () => '');

    for (const path of ['src/leak.js', 'vendor/secret.txt']) {
      const read = await call('read_file', { path });
      expect(read.isError).toBe(true);
      expect(read.content).not.toContain('hunter2');
    }
    expect((await call('read_file', { path: 'src/a.js' })).content).toContain('export const a = 1;');
    const listed = await call('list_files', {});
    expect(listed.content).toContain('src/a.js');
    expect(listed.content).not.toContain('secret.txt');
    expect((await call('search_text', { query: 'hunter2' })).content).not.toContain('TOKEN');
  });
});
