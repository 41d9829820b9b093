/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JournalError } from '../../src/errors.js';
import { acquireRunLock, type RunLockInfo } from '../../src/journal/run-lock.js';
import { spawnFixture, tempDir, transpileJournal } from './helpers.js';

async function lockOwner(dir: string): Promise<RunLockInfo> {
  return JSON.parse(await readFile(join(dir, 'lock.json'), 'utf8')) as RunLockInfo;
}

async function plantLock(dir: string, info: Partial<RunLockInfo>): Promise<void> {
  const base: RunLockInfo = {
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    token: 'someone-else',
  };
  await writeFile(join(dir, 'lock.json'), JSON.stringify({ ...base, ...info }));
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = execa('node', ['-e', '0']);
  await child;
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('run lock', () => {
  let built = '';
  beforeAll(async () => {
    built = await mkdtemp(join(tmpdir(), 'agentctl-journal-js-'));
    await transpileJournal(built);
  });
  afterAll(async () => {
    await rm(built, { recursive: true, force: true });
  });

  it('refuses a second holder in the same process, naming the pid and what to do', async () => {
    const dir = join(await tempDir(), '20261125-142233-a1b2c3');
    const lock = await acquireRunLock(dir);
    expect(lock.tookOver).toBeNull();
    const second = acquireRunLock(dir);
    await expect(second).rejects.toThrow(JournalError);
    await expect(second).rejects.toThrow(`run 20261125-142233-a1b2c3 is being driven by pid ${process.pid}`);
    await expect(second).rejects.toMatchObject({ hint: expect.stringContaining(`kill ${process.pid}`) });
    await lock.release();
    const again = await acquireRunLock(dir);
    await again.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = await tempDir();
    const pid = await deadPid();
    await plantLock(dir, { pid });
    const lock = await acquireRunLock(dir);
    expect(lock.tookOver).toEqual({ pid, reason: `pid ${pid} is gone` });
    expect(await lockOwner(dir)).toMatchObject({ pid: process.pid, hostname: hostname() });
    await lock.release();
  });

  it('takes over an expired lease even if its pid lives, and leaves junk locks to no one', async () => {
    const dir = await tempDir();
    await plantLock(dir, { expiresAt: new Date(Date.now() - 1).toISOString() });
    const lock = await acquireRunLock(dir);
    expect(lock.tookOver).toEqual({ pid: process.pid, reason: 'lease expired' });
    await lock.release();
    await writeFile(join(dir, 'lock.json'), '');
    const after = await acquireRunLock(dir);
    expect(after.tookOver).toEqual({ pid: null, reason: 'unreadable' });
    await after.release();
  });

  it('does not judge a pid on another host, only its lease', async () => {
    const dir = await tempDir();
    await plantLock(dir, { pid: await deadPid(), hostname: 'build-box-7' });
    await expect(acquireRunLock(dir)).rejects.toThrow(/being driven by pid \d+ on build-box-7/);
  });

  it('renews its lease, and learns when it has lost the lock', async () => {
    const dir = await tempDir();
    const first = await acquireRunLock(dir, { leaseMs: 1 });
    await first.renew();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await acquireRunLock(dir, { leaseMs: 60_000 });
    expect(second.tookOver?.reason).toBe('lease expired');
    await expect(first.renew()).rejects.toThrow(`lost the lock on run`);
    // The loser's release must not free the winner's lock.
    await first.release();
    const before = await lockOwner(dir);
    await second.renew();
    const after = await lockOwner(dir);
    expect(after.acquiredAt).toBe(before.acquiredAt);
    expect(Date.parse(after.expiresAt)).toBeGreaterThanOrEqual(Date.parse(before.expiresAt));
    await second.release();
  });

  it('gives exactly one of five concurrent in-process acquirers the lock', async () => {
    const dir = await tempDir();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => acquireRunLock(dir)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(JournalError);
  });

  it.each([
    ['a free run', false],
    ['a run abandoned by a dead process', true],
  ])('gives exactly one of five racing processes %s', async (_name, abandoned) => {
    const dir = await tempDir();
    if (abandoned) await plantLock(dir, { pid: await deadPid() });
    const children = Array.from({ length: 5 }, () =>
      spawnFixture('lock-child.mjs', [join(built, 'src', 'journal', 'run-lock.js'), dir]),
    );
    // Start the race only once every child has loaded, so all five really contend.
    for (const c of children) expect(await c.nextLine()).toBe('ready');
    for (const c of children) c.child.stdin.write('go\n');
    const outputs = await Promise.all(children.map((c) => c.nextLine()));
    for (const c of children) c.child.stdin.end();
    for (const c of children) expect((await c.child).exitCode).toBe(0);
    expect(outputs.filter((o) => o === 'owner')).toHaveLength(1);
    expect(outputs.filter((o) => o.startsWith('busy run'))).toHaveLength(4);
    expect(await readdir(dir)).toEqual([]);
  });
});
