import { createServer, type Server } from 'node:net';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgv } from '../../sandbox/command-policy.js';
import { sandboxHome } from '../../sandbox/bwrap.js';
import { execCommand, sandboxStatus, scrubEnv, type ExecRequest } from '../../sandbox/exec.js';
import { cleanupTemp, dirHash, makeRepo, tempDir } from './helpers.js';

const { available } = await sandboxStatus();
const node = process.execPath;

let worktree: string;
let reports: string;
let canary: string;
let canaryHash: string;

function run(argv: string[], extra: Partial<ExecRequest> = {}) {
  return execCommand({
    argv,
    cwd: worktree,
    timeoutMs: 20_000,
    maxOutputBytes: 64 * 1024,
    mode: 'required',
    ...extra,
  });
}

beforeAll(async () => {
  worktree = await makeRepo({ 'README.md': '# demo\n' });
  reports = await tempDir('reports');
  // Outside /tmp as well, because the sandbox's /tmp is private and would hide a write anyway.
  canary = await tempDir('canary', '/var/tmp');
  await writeFile(join(canary, 'keep.txt'), 'unchanged\n');
  canaryHash = await dirHash(canary);
});

afterAll(cleanupTemp);

describe.skipIf(!available)('inside the sandbox (needs bubblewrap)', () => {
  let server: Server;
  let port = 0;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      // The client exits as soon as it connects, so a reset is expected here.
      socket.on('error', () => undefined);
      socket.end('hello\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const connect = () =>
    `const s = require('net').connect(${port}, '127.0.0.1');` +
    `s.on('connect', () => { console.log('connected'); process.exit(0); });` +
    `s.on('error', (e) => { console.log('blocked ' + e.code); process.exit(0); });`;

  it('cannot connect to a listener on 127.0.0.1 (and the same command can, unsandboxed)', async () => {
    const inside = await run([node, '-e', connect()]);
    expect(inside).toMatchObject({ sandboxed: true, exitCode: 0, timedOut: false });
    expect(inside.stdout).toMatch(/^blocked E/);
    expect(connections).toBe(0);
    const outside = await run([node, '-e', connect()], { mode: 'off' });
    expect(outside).toMatchObject({ sandboxed: false, stdout: 'connected\n' });
    expect(connections).toBe(1);
  });

  it('can write the worktree and the extra writable dirs, nothing else', async () => {
    const sibling = join(dirname(worktree), `agentctl-sibling-${Date.now()}.txt`);
    const script = [
      `const fs = require('fs');`,
      `const tryWrite = (p) => { try { fs.writeFileSync(p, 'pwned'); return 'wrote'; } catch (e) { return e.code; } };`,
      `console.log(JSON.stringify({`,
      `  worktree: tryWrite('inside.txt'),`,
      `  report: tryWrite(${JSON.stringify(join(reports, 'report.json'))}),`,
      `  canary: tryWrite(${JSON.stringify(join(canary, 'keep.txt'))}),`,
      `  canaryNew: tryWrite(${JSON.stringify(join(canary, 'new.txt'))}),`,
      `  sibling: tryWrite(${JSON.stringify(sibling)}),`,
      `}));`,
    ].join('\n');
    const result = await run([node, '-e', script], { writable: [reports] });
    const outcome = JSON.parse(result.stdout) as Record<string, string>;
    expect(outcome).toMatchObject({
      worktree: 'wrote',
      report: 'wrote',
      // Outside the host view: not even there to be refused.
      canary: 'ENOENT',
      canaryNew: 'ENOENT',
    });
    // A write next to the worktree may succeed, but only in the sandbox's private /tmp.
    expect(await readFile(join(worktree, 'inside.txt'), 'utf8')).toBe('pwned');
    expect(await readdir(dirname(sibling))).not.toContain(sibling.split('/').pop());
    expect(await dirHash(canary)).toBe(canaryHash);
  });

  it('cannot remount the root read-write, even when agentctl runs as root', async () => {
    const target = join(canary, 'remounted.txt');
    const result = await run([
      'sh',
      '-c',
      `mount -o remount,rw / 2>/dev/null; touch ${target} 2>/dev/null; echo done`,
    ]);
    expect(result.stdout).toBe('done\n');
    await expect(readFile(target)).rejects.toThrow(/ENOENT/);
    expect(await dirHash(canary)).toBe(canaryHash);
  });

  it('sees no scrubbed variables, a private HOME and its own pid namespace', async () => {
    const secrets = {
      ANTHROPIC_API_KEY: 'sk-ant-x',
      GITHUB_TOKEN: 'ghp_x',
      AWS_SECRET_ACCESS_KEY: 'aws',
      NPM_TOKEN: 'npm',
      SSH_AUTH_SOCK: '/tmp/ssh',
      DB_PASSWORD: 'pw',
    };
    const saved = { ...process.env };
    Object.assign(process.env, secrets, { NODE_OPTIONS: '--require /tmp/evil.js --max-old-space-size=2048' });
    try {
      const script = `console.log(JSON.stringify({ env: process.env, pid: process.pid }))`;
      const result = await run([node, '-e', script], { env: { FOO: 'bar' } });
      const { env, pid } = JSON.parse(result.stdout) as { env: Record<string, string>; pid: number };
      for (const name of Object.keys(secrets)) expect(env).not.toHaveProperty(name);
      expect(env).toMatchObject({ HOME: sandboxHome(), TMPDIR: '/tmp', FOO: 'bar' });
      // agentctl's own NODE_OPTIONS never reaches a command, not even its harmless flags.
      expect(env).not.toHaveProperty('NODE_OPTIONS');
      expect(env.PATH).toBe(process.env.PATH);
      expect(pid).toBeLessThan(10);
    } finally {
      process.env = saved;
    }
  });

  it('runs argv without a shell: metacharacters stay literal', async () => {
    const argv = parseArgv(
      `${node} -e "console.log(process.argv.slice(1).join('|'))" 'a; touch pwned' "$(id)" '>' out.txt`,
    );
    const result = await run(argv);
    expect(result.stdout).toBe('a; touch pwned|$(id)|>|out.txt\n');
    const names = await readdir(worktree);
    expect(names).not.toContain('pwned');
    expect(names).not.toContain('out.txt');
  });

  it('caps each stream and says so', async () => {
    const result = await run(
      [node, '-e', `process.stdout.write('x'.repeat(200000)); process.stderr.write('small')`],
      { maxOutputBytes: 1000 },
    );
    expect(result.truncated).toBe(true);
    expect(result.stdout).toBe(`${'x'.repeat(1000)}\n[agentctl: output truncated after 1000 bytes]`);
    expect(result.stderr).toBe('small');
    expect(result.exitCode).toBe(0);
  });
});

describe('scrubEnv', () => {
  it('keeps the allowlist and drops credentials, even allowlist-shaped ones', () => {
    const env = scrubEnv(
      {
        PATH: '/bin',
        LANG: 'C',
        LC_ALL: 'C',
        LC_API_KEY: 'k',
        TERM: 'xterm',
        CI: '1',
        TZ: 'UTC',
        HOME: '/root',
        ANTHROPIC_API_KEY: 'k',
        GITHUB_TOKEN: 't',
        AWS_PROFILE: 'p',
        SSH_AUTH_SOCK: 's',
        NPM_TOKEN: 'n',
        MY_SECRET: 's',
        PGPASSWORD: 'p',
        RANDOM: 'r',
        NODE_OPTIONS: '--import ./evil.mjs',
      },
      '/private/home',
    );
    expect(env).toEqual({
      PATH: '/bin',
      LANG: 'C',
      LC_ALL: 'C',
      TERM: 'xterm',
      CI: '1',
      TZ: 'UTC',
      HOME: '/private/home',
    });
  });
});
