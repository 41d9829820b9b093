import { cp, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { agentctl } from '../helpers/cli.js';
import { packageFile } from '../../src/paths.js';
import { cassettePath, fixtureRepo, gitOut } from '../helpers/fixture-repo.js';

async function emptyRepo(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentctl-cli-'));
  const git = simpleGit(dir);
  await git.init();
  await git.addConfig('user.name', 't');
  await git.addConfig('user.email', 't@example.invalid');
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'README'), 'x\n');
  await git.add('.');
  await git.commit('init');
  return dir;
}

describe('the agentctl binary', () => {
  it('prints its version and a help that teaches the model of the tool', async () => {
    const version = await agentctl(['--version'], tmpdir());
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await agentctl(['fix', '--help'], tmpdir());
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/RED/);
    expect(help.stdout).toMatch(/Exit codes/);
  });

  it('a reader that closes the pipe early (agentctl --help | true) gets no crash and exit 0', async () => {
    // `true` exits before node has started, so every write of the help meets a closed pipe.
    const bin = JSON.stringify(packageFile('bin/agentctl.js'));
    const r = await execa('bash', ['-c', `node ${bin} --help | true; exit \${PIPESTATUS[0]}`], {
      reject: false,
    });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(r.exitCode).toBe(0);
  });

  it('demo: refused attempt, RED, failed fix, GREEN and a commit, exit 0, no key and no network', async () => {
    const r = await agentctl(['demo'], tmpdir(), { ANTHROPIC_API_KEY: '' });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attempt 1\/3 failed \(refused\)/);
    expect(r.stdout).toMatch(/✓ RED: .* fails by assertion/);
    expect(r.stdout).toMatch(/GREEN failed/);
    expect(r.stdout).toMatch(/✓ GREEN/);
    expect(r.stdout).toMatch(/✓ committed [0-9a-f]{12} on branch agentctl\/\d{8}-\d{6}-[0-9a-f]{6}/);
  });

  it('works when agentctl itself is installed under /tmp, which the sandbox replaces with a private /tmp', async () => {
    const pkg = await mkdtemp(join(tmpdir(), 'agentctl-pkg-'));
    for (const part of ['bin', 'dist', 'gates', 'fixtures', 'package.json'])
      await cp(packageFile(part), join(pkg, part), { recursive: true });
    await symlink(packageFile('node_modules'), join(pkg, 'node_modules'), 'dir');
    const r = await execa('node', [join(pkg, 'bin', 'agentctl.js'), 'demo'], {
      reject: false,
      env: { NO_COLOR: '1' },
      stdin: 'ignore',
    });
    expect(r.exitCode, r.stdout.slice(-1500) + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ committed/);
  });

  it('fix --json: one JSON event per line and a result line; the commit is on the run branch', async () => {
    const repo = await fixtureRepo('calc-node');
    const r = await agentctl(
      [
        'fix',
        'average of [] is 0',
        '--json',
        '--yes',
        '--model',
        `scripted:${cassettePath('calc-node', 'happy-path')}`,
      ],
      repo,
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'run_started', seq: 0 });
    const result = lines.at(-1)!;
    expect(result).toMatchObject({ type: 'result', phase: 'DONE', exitCode: 0 });
    expect(await gitOut(repo, ['rev-parse', String(result.branch)])).toBe(result.commit);
  });

  it('three wrong fixes: exit 3 and the evidence path', async () => {
    const repo = await fixtureRepo('calc-node');
    const r = await agentctl(
      [
        'fix',
        'average of [] is 0',
        '--yes',
        '--model',
        `scripted:${cassettePath('calc-node', 'three-wrong-fixes')}`,
      ],
      repo,
    );
    expect(r.exitCode, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/ESCALATED: 3 failed attempts/);
    expect(r.stdout).toMatch(/evidence: .*evidence\.md/);
  });

  it('without a terminal and without --yes, a GREEN patch waits for review (exit 3) instead of a key press', async () => {
    const repo = await fixtureRepo('calc-node');
    const r = await agentctl(
      ['fix', 'average of [] is 0', '--model', `scripted:${cassettePath('calc-node', 'happy-path')}`],
      repo,
    );
    expect(r.exitCode, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/waits for a human review/);
    expect(await gitOut(repo, ['branch', '--list', 'agentctl/*'])).toBe('');
    // Approving later, by policy, resumes the paused run without redoing anything: one commit.
    const runId = /agentctl resume (\S+)/.exec(r.stdout)?.[1] ?? '';
    const resumed = await agentctl(['resume', runId, '--yes'], repo);
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/✓ committed/);
    expect(await gitOut(repo, ['rev-list', '--count', `HEAD..agentctl/${runId}`])).toBe('1');
  });

  it('usage and config errors exit 2 with the problem and the fix, never a stack trace', async () => {
    const repo = await emptyRepo();
    const noConfig = await agentctl(['fix', 'x', '--model', 'scripted:none.json'], repo);
    expect(noConfig.exitCode).toBe(2);
    expect(noConfig.stderr).toMatch(/No agentctl\.config\.json.*\n.*agentctl init/);

    await writeFile(
      join(repo, 'agentctl.config.json'),
      '{"test":{"runner":"rspec"},"repair":{"maxAttempts":0}}',
    );
    const bad = await agentctl(['fix', 'x'], repo);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/test\.runner: "rspec" — set "test\.runner" to one of/);
    expect(bad.stderr).toMatch(/repair\.maxAttempts: 0/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    await writeFile(join(repo, 'agentctl.config.json'), '{"test":{"runner":"node"},');
    expect((await agentctl(['fix', 'x'], repo)).stderr).toMatch(/not valid JSON/);

    await writeFile(join(repo, 'agentctl.config.json'), '{"test":{"runner":"node"}}');
    const noModel = await agentctl(['fix', 'x'], repo);
    expect(noModel.exitCode).toBe(2);
    expect(noModel.stderr).toMatch(/No model is configured[\s\S]*--model scripted:/);
    const anthropic = await agentctl(['fix', 'x', '--model', 'anthropic:claude-sonnet-4-6'], repo, {
      ANTHROPIC_API_KEY: '',
    });
    expect(anthropic.exitCode).toBe(2);
    expect(anthropic.stderr).toMatch(/ANTHROPIC_API_KEY/);

    await writeFile(
      join(repo, 'tape.json'),
      '{"version":1,"name":"t","turns":[{"calls":[{"name":"x"}],"expect":"NOPE"}]}',
    );
    const tape = await agentctl(['fix', 'x', '--model', 'scripted:tape.json'], repo);
    expect(tape.exitCode).toBe(2);
    expect(tape.stderr).toMatch(/turns\.0\.expect/);

    const notRepo = await agentctl(['fix', 'x'], await mkdtemp(join(tmpdir(), 'agentctl-norepo-')));
    expect(notRepo.exitCode).toBe(2);
    expect(notRepo.stderr).toMatch(/not inside a git repository/);

    const unknown = await agentctl(['frobnicate'], repo);
    expect(unknown.exitCode).toBe(2);
  });

  it('a missing test runner is named, with exit 2, and nothing is committed', async () => {
    const repo = await emptyRepo({
      'agentctl.config.json': '{"test":{"runner":"vitest","command":["definitely-not-a-test-runner"]}}',
    });
    const r = await agentctl(
      ['fix', 'x', '--yes', '--model', `scripted:${cassettePath('calc-node', 'happy-path')}`],
      repo,
    );
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/could not run the test suite/);
    expect(await gitOut(repo, ['branch', '--list', 'agentctl/*'])).toBe('');
  });

  // init's verification run is covered by test/conformance; here only detection and overwriting.
  it('init detects the runner, writes a config fix accepts, and refuses to overwrite without --force', async () => {
    const repo = await emptyRepo({
      'package.json': '{"scripts":{"test":"vitest run"},"devDependencies":{"vitest":"^4"}}',
    });
    const r = await agentctl(['init', '--no-verify'], repo);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Detected vitest/);
    expect((await agentctl(['init', '--no-verify'], repo)).exitCode).toBe(2);
    expect((await agentctl(['init', '--force', '--no-verify', '--runner', 'jest'], repo)).exitCode).toBe(0);
    const py = await emptyRepo({ 'test_app.py': 'def test_x():\n    assert 1\n' });
    const p = await agentctl(['init', '--json', '--no-verify'], py);
    expect(JSON.parse(p.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ runner: 'pytest' });
  });
});
