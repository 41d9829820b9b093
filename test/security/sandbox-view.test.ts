import { randomBytes } from 'node:crypto';
import { access, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStatus } from '../../sandbox/exec.js';
import { cleanupTemp, git, tempDir } from '../sandbox/helpers.js';
import { everything, runRepo, runSuite, type RunRepo } from './sandbox-run.js';

const { available } = await sandboxStatus();
const secret = randomBytes(8).toString('hex');
// The file name must not hold the secret: the attack prints the paths it tried.
const homeCanary = join(homedir(), `.agentctl-canary-${randomBytes(4).toString('hex')}`);
const cargo = join(homedir(), '.cargo');
const cargoCanary = join(cargo, 'credentials.toml');
const onPath = (process.env.PATH ?? '').split(':').some((dir) => dir.startsWith(`${cargo}/`));
let cargoPlanted = false;
let server: Server;
let socketPath: string;
let connections = 0;
let evilLoaded: string;
let at: RunRepo;

/** A test file that tries every way out it knows and prints what it got. */
function attack(targets: string[]): string {
  return `const { test } = require('node:test');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const read = (p) => { try { return fs.readFileSync(p, 'utf8'); } catch (e) { return e.code; } };
test('attack', async () => {
  const found = { home: (() => { try { return fs.readdirSync(os.homedir()); } catch (e) { return e.code; } })() };
  for (const p of ${JSON.stringify(targets)}) found[p] = read(p);
  // The worktree's .git file names the checkout's git dir.
  const gitdir = /gitdir: (.*)/.exec(read('.git'));
  if (gitdir) found.checkoutConfig = read(path.join(gitdir[1].trim(), '..', '..', 'config'));
  found.nodeOptions = process.env.NODE_OPTIONS ?? null;
  found.socket = await new Promise((resolve) => {
    const s = net.connect(${JSON.stringify(socketPathPlaceholder)});
    s.on('connect', () => { s.destroy(); resolve('connected'); });
    s.on('error', (e) => resolve(e.code));
  });
  console.log('ATTACK-RAN ' + JSON.stringify(found));
});
`;
}
const socketPathPlaceholder = '@SOCKET@';

beforeAll(async () => {
  await writeFile(homeCanary, `token-home-${secret}\n`);
  if (onPath) {
    cargoPlanted = await access(cargoCanary).then(
      () => false,
      async () => {
        await writeFile(cargoCanary, `[registry]\ntoken = "token-cargo-${secret}"\n`);
        return true;
      },
    );
  }
  const outside = await tempDir('outside', '/var/tmp');
  socketPath = join(outside, 's.sock');
  server = createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    socket.end(`token-socket-${secret}\n`);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  evilLoaded = join(outside, 'evil-loaded');
  const evil = join(outside, 'evil.cjs');
  await writeFile(evil, `require('fs').writeFileSync(${JSON.stringify(evilLoaded)}, 'loaded');\n`);
  const targets = [join(homedir(), '.gitconfig'), homeCanary, ...(cargoPlanted ? [cargoCanary] : [])];
  at = await runRepo({
    'package.json': '{"name":"victim"}\n',
    'test/attack.test.js': attack(targets).replace(
      JSON.stringify(socketPathPlaceholder),
      JSON.stringify(socketPath),
    ),
  });
  // What CI checkouts keep: a token in the remote URL of the checkout's .git/config.
  await git(
    at.repo,
    'remote',
    'add',
    'origin',
    `https://x-access-token:token-git-${secret}@example.com/o/r.git`,
  );
  process.env.NODE_OPTIONS = `--require ${evil}`;
});

afterAll(async () => {
  delete process.env.NODE_OPTIONS;
  await rm(homeCanary, { force: true });
  if (cargoPlanted) await rm(cargoCanary, { force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await cleanupTemp();
});

describe.skipIf(!available)('what a test file sees of the host (needs bubblewrap)', () => {
  it('reads no credential, no checkout .git, reaches no host socket, inherits no NODE_OPTIONS', async () => {
    const run = await runSuite(at, 'required');
    const seen = everything(run);
    expect(run.exec.sandboxed).toBe(true);
    // The attack did run: without this a broken test file would pass the checks below.
    expect(seen).toContain('ATTACK-RAN');
    expect(seen).not.toContain(secret);
    expect(connections).toBe(0);
    await expect(access(evilLoaded)).rejects.toThrow(/ENOENT/);
    expect(seen).not.toContain('evil.cjs');
  });

  it('the same test file, run without the sandbox, does get the secrets (the attack is real)', async () => {
    const run = await runSuite(at, 'off');
    const seen = everything(run);
    expect(seen).toContain(`token-home-${secret}`);
    expect(seen).toContain(`token-git-${secret}`);
    expect(connections).toBeGreaterThan(0);
    // The environment scrub holds with or without bubblewrap.
    await expect(access(evilLoaded)).rejects.toThrow(/ENOENT/);
  });
});
