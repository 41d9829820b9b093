import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChanges, recoverPendingApply, type FileChange } from '../../sandbox/atomic-apply.js';
import type { GuardPolicy } from '../../sandbox/path-guard.js';
import { SandboxError } from '../../src/errors.js';
import { cleanupTemp, makeRepo, tempDir, transpileForChild, treeHash } from './helpers.js';

const policy: GuardPolicy = { allow: ['**'], deny: [] };
const initial = {
  'src/a.ts': 'export const a = 1;\n',
  'src/b.ts': 'export const b = 2;\n',
  'old.txt': 'old\n',
  'run.sh': '#!/bin/sh\n',
};

/** Edits one file, deletes one, creates two (one in new nested dirs), keeps an executable bit. */
const changes: FileChange[] = [
  { path: 'src/a.ts', before: initial['src/a.ts'], after: 'export const a = 10;\n' },
  { path: 'old.txt', before: 'old\n', after: null },
  { path: 'src/deep/new/c.ts', before: null, after: 'export const c = 3;\n' },
  { path: 'run.sh', before: '#!/bin/sh\n', after: '#!/bin/sh\necho hi\n' },
  { path: 'notes.md', before: null, after: '# notes\n' },
];

async function freshRepo(): Promise<{ repo: string; undoDir: string; tree: string }> {
  const repo = await makeRepo(initial);
  await chmod(join(repo, 'run.sh'), 0o755);
  return { repo, undoDir: await tempDir('undo'), tree: await treeHash(repo) };
}

afterAll(cleanupTemp);

describe('applyChanges', () => {
  it('applies every change of a multi-file set and leaves no undo record', async () => {
    const { repo, undoDir } = await freshRepo();
    expect(await applyChanges(repo, changes, policy, { undoDir })).toEqual({ ok: true });
    expect(await readFile(join(repo, 'src/a.ts'), 'utf8')).toBe('export const a = 10;\n');
    expect(await readFile(join(repo, 'src/deep/new/c.ts'), 'utf8')).toBe('export const c = 3;\n');
    await expect(stat(join(repo, 'old.txt'))).rejects.toThrow(/ENOENT/);
    expect((await stat(join(repo, 'run.sh'))).mode & 0o777).toBe(0o755);
    expect(await readdir(undoDir)).toEqual([]);
    expect((await readdir(repo)).filter((name) => name.includes('agentctl'))).toEqual([]);
  });

  it('refuses the whole set on a stale "before" and changes nothing', async () => {
    const { repo, undoDir, tree } = await freshRepo();
    const stale = [...changes.slice(0, 3), { path: 'src/b.ts', before: 'something else\n', after: 'x' }];
    expect(await applyChanges(repo, stale, policy, { undoDir })).toMatchObject({
      ok: false,
      path: 'src/b.ts',
      rule: 'conflict',
    });
    const exists = [{ path: 'src/b.ts', before: null, after: 'x' }];
    expect(await applyChanges(repo, exists, policy, { undoDir })).toMatchObject({
      ok: false,
      rule: 'conflict',
    });
    expect(await treeHash(repo)).toBe(tree);
  });

  it('rolls back in-process when a write fails midway', async () => {
    const { repo, undoDir, tree } = await freshRepo();
    const failpoint = (name: string): void => {
      if (name === 'apply:mid') throw new Error('disk full (injected)');
    };
    const result = await applyChanges(repo, changes, policy, { undoDir, failpoint });
    expect(result).toMatchObject({ ok: false, rule: 'io' });
    if (!result.ok) expect(result.message).toContain('disk full (injected)');
    expect(await treeHash(repo)).toBe(tree);
    await expect(stat(join(repo, 'src/deep'))).rejects.toThrow(/ENOENT/);
    expect(await readdir(undoDir)).toEqual([]);
  });

  it('rolls back when the last step fails, after every file was written', async () => {
    const { repo, undoDir, tree } = await freshRepo();
    const failpoint = (name: string): void => {
      if (name === 'apply:before-commit') throw new Error('injected');
    };
    expect(await applyChanges(repo, changes, policy, { undoDir, failpoint })).toMatchObject({
      ok: false,
      rule: 'io',
    });
    expect(await treeHash(repo)).toBe(tree);
    expect((await stat(join(repo, 'run.sh'))).mode & 0o777).toBe(0o755);
  });

  it('refuses an undo directory inside the worktree', async () => {
    const { repo } = await freshRepo();
    await expect(applyChanges(repo, changes, policy, { undoDir: join(repo, 'undo') })).rejects.toThrow(
      SandboxError,
    );
  });
});

describe('crash recovery', () => {
  let built: string;
  beforeAll(async () => {
    built = await transpileForChild([
      'sandbox/atomic-apply.ts',
      'sandbox/path-guard.ts',
      'sandbox/undo-record.ts',
      'src/errors.ts',
      'src/policy/config-file.ts',
    ]);
  });

  async function crashAt(failpoint: string) {
    const { repo, undoDir, tree } = await freshRepo();
    const changesFile = join(await tempDir('changes'), 'changes.json');
    await writeFile(changesFile, JSON.stringify(changes));
    const script = join(import.meta.dirname, 'fixtures', 'crash-apply.mjs');
    const child = await execa('node', [script, built, repo, undoDir, changesFile, failpoint], {
      reject: false,
    });
    return { repo, undoDir, tree, child };
  }

  it('a process killed after the first file leaves a half-applied tree that recovery restores', async () => {
    const { repo, undoDir, tree, child } = await crashAt('apply:mid');
    expect(child.signal).toBe('SIGKILL');
    // The crash really happened midway: the first file is new, the last is not.
    expect(await readFile(join(repo, 'src/a.ts'), 'utf8')).toBe('export const a = 10;\n');
    await expect(stat(join(repo, 'notes.md'))).rejects.toThrow(/ENOENT/);
    expect(await treeHash(repo)).not.toBe(tree);
    await expect(applyChanges(repo, changes, policy, { undoDir })).rejects.toThrow(/interrupted/);

    expect(await recoverPendingApply(repo, undoDir)).toBe(true);
    expect(await treeHash(repo)).toBe(tree);
    await expect(stat(join(repo, 'src/deep'))).rejects.toThrow(/ENOENT/);
    expect(await recoverPendingApply(repo, undoDir)).toBe(false);
    expect(await applyChanges(repo, changes, policy, { undoDir })).toEqual({ ok: true });
  });

  it('a process killed after every write but before the end is rolled back too', async () => {
    const { repo, undoDir, tree, child } = await crashAt('apply:before-commit');
    expect(child.signal).toBe('SIGKILL');
    expect(await readFile(join(repo, 'notes.md'), 'utf8')).toBe('# notes\n');
    expect(await recoverPendingApply(repo, undoDir)).toBe(true);
    expect(await treeHash(repo)).toBe(tree);
    expect((await stat(join(repo, 'run.sh'))).mode & 0o777).toBe(0o755);
  });

  it('a process that finished leaves nothing to recover', async () => {
    const { repo, undoDir, child } = await crashAt('never');
    expect(JSON.parse(child.stdout)).toEqual({ ok: true });
    expect(await recoverPendingApply(repo, undoDir)).toBe(false);
  });
});
