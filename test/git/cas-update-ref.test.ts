import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { casUpdateRef } from '../../src/git/repo.js';

async function git(dir: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd: dir })).stdout.trim();
}

/** A repository with two commits, `first` and `second`, and a branch `work` on `first`. */
async function twoCommits(): Promise<{ dir: string; first: string; second: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'agentctl-cas-'));
  await git(dir, 'init', '-q');
  await git(dir, 'config', 'user.name', 't');
  await git(dir, 'config', 'user.email', 't@example.invalid');
  await writeFile(join(dir, 'a.txt'), 'one\n');
  await git(dir, 'add', '.');
  await git(dir, 'commit', '-qm', 'one');
  const first = await git(dir, 'rev-parse', 'HEAD');
  await writeFile(join(dir, 'a.txt'), 'two\n');
  await git(dir, 'commit', '-qam', 'two');
  const second = await git(dir, 'rev-parse', 'HEAD');
  await git(dir, 'branch', 'work', first);
  return { dir, first, second };
}

describe('casUpdateRef tells a moved ref from a failed update', () => {
  it('moves the ref when it holds what was expected', async () => {
    const { dir, first, second } = await twoCommits();
    expect(await casUpdateRef(dir, 'refs/heads/work', second, first)).toEqual({ ok: true });
    expect(await git(dir, 'rev-parse', 'work')).toBe(second);
  });

  it('creates a ref expected to be absent, and says "moved" when it already exists', async () => {
    const { dir, first, second } = await twoCommits();
    expect(await casUpdateRef(dir, 'refs/heads/fresh', first, null)).toEqual({ ok: true });
    expect(await casUpdateRef(dir, 'refs/heads/fresh', second, null)).toEqual({
      ok: false,
      reason: 'moved',
      actual: first,
    });
  });

  it('says "moved" only when the ref really holds something else', async () => {
    const { dir, first, second } = await twoCommits();
    await git(dir, 'branch', '-f', 'work', second);
    expect(await casUpdateRef(dir, 'refs/heads/work', first, first)).toEqual({
      ok: false,
      reason: 'moved',
      actual: second,
    });
    expect(await git(dir, 'rev-parse', 'work')).toBe(second);
  });

  it('reports a held lock as a failure, not as a moved branch', async () => {
    const { dir, first, second } = await twoCommits();
    // Another git process holds the ref's lock: the ref is untouched and still where we expected it.
    await writeFile(join(dir, '.git', 'refs', 'heads', 'work.lock'), '');
    const result = await casUpdateRef(dir, 'refs/heads/work', second, first);
    expect(result).toMatchObject({ ok: false, reason: 'failed' });
    expect(result.ok === false && result.reason === 'failed' ? result.message : '').toMatch(/lock/i);
    expect(await git(dir, 'rev-parse', 'work')).toBe(first);
  });

  it('reports an unknown target object as a failure', async () => {
    const { dir, first } = await twoCommits();
    const result = await casUpdateRef(dir, 'refs/heads/work', 'f'.repeat(40), first);
    expect(result).toMatchObject({ ok: false, reason: 'failed' });
  });
});
