/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { cp, lstat, mkdir, readlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linkDependencies } from '../../sandbox/deps-link.js';
import { execCommand, sandboxStatus, type ExecRequest, type SandboxMode } from '../../sandbox/exec.js';
import { SandboxError } from '../../src/errors.js';
import { cleanupTemp, git, makeRepo, processesWith, tempDir } from './helpers.js';

const { available } = await sandboxStatus();
const node = process.execPath;
const hang = join(import.meta.dirname, 'fixtures', 'hang.mjs');

let cwd: string;
beforeAll(async () => {
  cwd = await makeRepo({ 'README.md': '# demo\n' });
});
afterAll(cleanupTemp);

function run(argv: string[], extra: Partial<ExecRequest> = {}) {
  return execCommand({ argv, cwd, timeoutMs: 20_000, maxOutputBytes: 64 * 1024, mode: 'required', ...extra });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('timeouts kill the whole tree', () => {
  const cases: Array<[string, SandboxMode, string[]]> = [
    ['sandboxed', 'required', []],
    ['unsandboxed', 'off', []],
    ['unsandboxed, grandchild in its own session', 'off', ['detached']],
  ];
  it.each(cases)('%s: parent and child are gone and the result says timedOut', async (_name, mode, extra) => {
    if (mode === 'required' && !available) return;
    const marker = `agentctl-hang-${Math.random().toString(36).slice(2)}`;
    // Long enough that both processes surely start on a loaded machine before the timeout kills them.
    // The fixture is bound in: a checkout under /tmp is hidden by the sandbox's private /tmp.
    const started = run([node, hang, marker, ...extra], {
      mode,
      timeoutMs: 4000,
      readOnlyBinds: [{ from: dirname(hang), to: dirname(hang) }],
    });
    // The child really ran: it shows up in /proc (host pids) while the command hangs.
    const pids = await waitFor(async () => {
      const found = await processesWith(marker);
      return found.length >= 2 ? found : undefined;
    });
    expect(pids.length).toBeGreaterThanOrEqual(2);
    const result = await started;
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    expect(result.stdout).toMatch(/^child \d+/);
    expect(result.durationMs).toBeGreaterThanOrEqual(3900);
    expect(result.durationMs).toBeLessThan(15000);
    expect(await processesWith(marker)).toEqual([]);
  });

  it('reports a command killed by a signal the same way in and out of the sandbox', async () => {
    for (const mode of available ? (['required', 'off'] as const) : (['off'] as const)) {
      const result = await run(['sh', '-c', 'kill -9 $$'], { mode });
      expect(result).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false });
    }
  });

  it('a finished command leaves no background job behind', async () => {
    const marker = `agentctl-bg-${Math.random().toString(36).slice(2)}`;
    const script = `require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '${marker}'], { stdio: 'ignore' }).unref()`;
    const result = await run([node, '-e', script], { mode: 'off' });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    await waitFor(async () => ((await processesWith(marker)).length === 0 ? true : undefined), 3000);
  });
});

describe('without bubblewrap', () => {
  const saved = process.env.AGENTCTL_BWRAP;
  afterEach(() => {
    if (saved === undefined) delete process.env.AGENTCTL_BWRAP;
    else process.env.AGENTCTL_BWRAP = saved;
  });

  it('auto still runs the command, scrubbed and bounded, with a warning', async () => {
    process.env.AGENTCTL_BWRAP = '/nonexistent/bwrap';
    process.env.GITHUB_TOKEN = 'ghp_secret';
    try {
      const result = await run(
        [node, '-e', 'console.log(process.env.GITHUB_TOKEN ?? "none", process.env.HOME)'],
        { mode: 'auto' },
      );
      expect(result).toMatchObject({ sandboxed: false, exitCode: 0 });
      expect(result.stdout).toMatch(/^none \/.*agentctl-exec-.*\/home\n$/);
      expect(result.warning).toMatch(/without isolation.*bwrap.*apt-get install bubblewrap/);
    } finally {
      delete process.env.GITHUB_TOKEN;
    }
  });

  it('required refuses with a message naming bwrap and how to install it', async () => {
    process.env.AGENTCTL_BWRAP = '/nonexistent/bwrap';
    const attempt = run([node, '-e', '0'], { mode: 'required' });
    await expect(attempt).rejects.toThrow(SandboxError);
    await expect(attempt).rejects.toThrow(/"required".*bubblewrap \(bwrap\)/);
    await expect(attempt).rejects.toMatchObject({
      hint: expect.stringMatching(/apt-get install bubblewrap/),
    });
  });

  it('a missing command is a result with exit code 127, not an exception', async () => {
    const result = await run(['agentctl-no-such-command'], { mode: 'off' });
    expect(result).toMatchObject({ exitCode: 127, timedOut: false });
    expect(result.stderr).toContain('agentctl-no-such-command');
  });
});

describe.skipIf(!available)(
  'a project’s tests in the sandbox with linked dependencies (needs bubblewrap)',
  () => {
    it('runs node --test in a worktree that only sees node_modules read-only', async () => {
      const repo = await tempDir('deps');
      await cp(join(import.meta.dirname, 'fixtures', 'dep-project'), repo, { recursive: true });
      await writeFile(join(repo, '.gitignore'), 'node_modules/\n');
      await git(repo, 'init', '-q', '-b', 'main');
      await git(repo, 'add', '-A');
      await git(repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'init');
      // Installed, untracked dependency: what a worktree checkout lacks.
      const pkg = join(repo, 'node_modules', 'tiny-math');
      await mkdir(pkg, { recursive: true });
      await writeFile(join(pkg, 'package.json'), '{"name":"tiny-math","type":"module","main":"index.js"}');
      await writeFile(join(pkg, 'index.js'), 'export const add = (a, b) => a + b;\n');
      const worktree = join(await tempDir('wt'), 'wt');
      await git(repo, 'worktree', 'add', '-q', worktree);

      const binds = await linkDependencies(repo, worktree);
      expect(binds).toEqual([{ from: join(repo, 'node_modules'), to: join(repo, 'node_modules') }]);
      // A link farm: a real folder in the worktree, one link per installed package.
      expect((await lstat(join(worktree, 'node_modules'))).isDirectory()).toBe(true);
      expect(await readlink(join(worktree, 'node_modules', 'tiny-math'))).toBe(pkg);
      expect(await linkDependencies(repo, worktree)).toEqual(binds);

      const tests = await execCommand({
        argv: [node, '--test'],
        cwd: worktree,
        timeoutMs: 30_000,
        maxOutputBytes: 1 << 20,
        mode: 'required',
        readOnlyBinds: binds,
      });
      expect(tests).toMatchObject({ sandboxed: true, exitCode: 0, timedOut: false });
      expect(tests.stdout).toMatch(/# pass 1/);

      const write = `try { require('fs').writeFileSync('node_modules/tiny-math/index.js', ''); console.log('wrote') } catch (e) { console.log(e.code) }`;
      const attempt = await execCommand({
        argv: [node, '-e', write],
        cwd: worktree,
        timeoutMs: 10_000,
        maxOutputBytes: 4096,
        mode: 'required',
        readOnlyBinds: binds,
      });
      expect(attempt.stdout).toBe('EROFS\n');
    });
  },
);
