import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, describe, expect, it } from 'vitest';
import { agentctl, BIN } from '../helpers/cli.js';
import { cassettePath, fixtureRepo, gitOut } from '../helpers/fixture-repo.js';

const TASK = 'average() of an empty list should return 0, not NaN';
const FIX_ARGS = ['fix', TASK, '--yes', '--model', `scripted:${cassettePath('calc-node', 'happy-path')}`];

/** calc-node plus one test that takes 20 s, committed: every full-suite run takes 20 s. */
async function slowRepo(): Promise<string> {
  const repo = await fixtureRepo('calc-node');
  await writeFile(
    join(repo, 'test', 'slow.test.js'),
    "import { test } from 'node:test';\ntest('a slow test', () => new Promise((r) => setTimeout(r, 20_000)));\n",
  );
  const git = simpleGit(repo);
  await git.add('test/slow.test.js');
  await git.commit('a slow test');
  return repo;
}

/** Starts `agentctl fix` as a child; resolves with its output and exit once it ends. */
function startFix(repo: string) {
  const child = spawn('node', [BIN, ...FIX_ARGS], {
    cwd: repo,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, ended, waitFor, out: () => ({ stdout, stderr }) };
}

/** No process of the run's test command is left: nothing in the process table runs slow.test.js. */
function slowTestsRunning(): boolean {
  const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').some((l) => l.includes('slow.test.js') && !l.includes('ps -eo'));
}

describe('Ctrl-C during a test run', () => {
  it('kills the test run and exits 130 within 2 s, with a journal that audits clean', async () => {
    const repo = await slowRepo();
    const run = startFix(repo);
    await run.waitFor(/running the full suite to record the baseline/);
    // Well into the 20 s suite.
    await new Promise((r) => setTimeout(r, 3_000));
    const sent = Date.now();
    run.child.kill('SIGINT');
    const { code, at } = await run.ended;
    const { stdout, stderr } = run.out();
    expect(code, stdout + stderr).toBe(130);
    expect(at - sent).toBeLessThan(2_000);
    expect(stderr).toMatch(/agentctl: stopping: killed the running tests; saving a checkpoint/);
    expect(stdout).toMatch(/Stopped at a checkpoint\. Resume with: agentctl resume \S+/);
    expect(slowTestsRunning()).toBe(false);
    const audit = await agentctl(['audit', 'verify', 'last'], repo);
    expect(audit.exitCode, audit.stdout + audit.stderr).toBe(0);
    const shown = await agentctl(['runs', 'show', 'last'], repo);
    expect(shown.stdout).toMatch(/checkpoint: interrupted \(run_baseline cut short; resume redoes it\)/);
  }, 120_000);

  it('a second Ctrl-C says what it does and leaves at once; the run still resumes', async () => {
    const repo = await slowRepo();
    const run = startFix(repo);
    await run.waitFor(/running the full suite to record the baseline/);
    await new Promise((r) => setTimeout(r, 1_000));
    const sent = Date.now();
    run.child.kill('SIGINT');
    // Two signals sent together arrive as one; a person's second Ctrl-C comes a moment later.
    // The first stop can finish within a tenth of a second on an idle machine, so the second comes soon after.
    await new Promise((r) => setTimeout(r, 30));
    const stillRunning = run.child.exitCode === null && run.child.signalCode === null;
    run.child.kill('SIGINT');
    const { code, at } = await run.ended;
    const { stderr } = run.out();
    expect(code).toBe(130);
    expect(at - sent).toBeLessThan(2_000);
    if (stillRunning)
      expect(stderr).toMatch(
        /stopping now without waiting for cleanup; the run can still be resumed: agentctl resume \S+/,
      );
    expect(slowTestsRunning()).toBe(false);
    const audit = await agentctl(['audit', 'verify', 'last'], repo);
    expect(audit.exitCode, audit.stdout + audit.stderr).toBe(0);
  }, 120_000);
});

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `h-cli-${process.pid}`;
const SESSION = 'fix';

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function screen(): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-1000', '-t', SESSION);
}

async function waitForScreen(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; the screen:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterAll(() => {
  if (HAS_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe('fix in a real terminal (80×24)', () => {
  it.skipIf(!HAS_TMUX)(
    'shows a spinner with elapsed time; Ctrl-C exits 130 within 2 s; resume runs to a commit',
    async () => {
      const repo = await slowRepo();
      const args = FIX_ARGS.map((a) => `'${a}'`).join(' ');
      tmux(
        'new-session',
        '-d',
        '-s',
        SESSION,
        '-x',
        '80',
        '-y',
        '24',
        '-c',
        repo,
        // The shell stamps the exit in ms, so the polling of the pane does not count against the 2 s.
        `env NO_COLOR=1 node ${BIN} ${args}; echo "agentctl exited with $? at $(date +%s%3N)"; sleep 600`,
      );
      // The spinner, its label and the seconds it has run.
      await waitForScreen(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] running the full suite to record the baseline [2-9]s/);
      const sent = Date.now();
      tmux('send-keys', '-t', SESSION, 'C-c');
      const text = await waitForScreen(/agentctl exited with \d+ at \d+/, 30_000);
      const exitedAt = Number(/agentctl exited with \d+ at (\d+)/.exec(text)?.[1]);
      expect(exitedAt - sent).toBeLessThan(2_000);
      expect(text).toMatch(/agentctl exited with 130/);
      expect(text).toMatch(/Stopped at a checkpoint/);

      const resumed = await agentctl(['resume', 'last', '--yes'], repo);
      expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/redoing run_baseline/);
      const branch = /✓ committed [0-9a-f]{12} on branch (\S+)/.exec(resumed.stdout)?.[1];
      expect(branch).toBeDefined();
      expect(await gitOut(repo, ['log', '-1', '--format=%s', branch!])).toMatch(/average/);
    },
    240_000,
  );
});
