import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { agentctl, BIN } from '../helpers/cli.js';
import { cassettePath, fixtureRepo, gitOut } from '../helpers/fixture-repo.js';

const TASK = 'average() of an empty list should return 0, not NaN';
const MODEL = `scripted:${cassettePath('calc-node', 'happy-path')}`;
const RUN_A = '20260101-000000-aaaaaa';
const RUN_B = '20260101-000000-aaaabb';

describe('help that teaches', () => {
  const commands = [
    [],
    ['fix'],
    ['demo'],
    ['eval'],
    ['init'],
    ['resume'],
    ['replay'],
    ['runs'],
    ['runs', 'list'],
    ['runs', 'show'],
    ['runs', 'query'],
    ['audit', 'verify'],
    ['repl'],
    ['ci', 'check'],
    ['ci', 'fix'],
  ];
  it('every help starts with examples, names exit codes and fits 80 columns', async () => {
    for (const cmd of commands) {
      const r = await agentctl([...cmd, '--help'], tmpdir());
      expect(r.exitCode).toBe(0);
      expect(r.stdout.startsWith('Examples:\n  agentctl'), cmd.join(' ')).toBe(true);
      expect(r.stdout, cmd.join(' ')).toMatch(/\nExit codes:\n/);
      expect(r.stdout, cmd.join(' ')).toMatch(/-C <dir>/);
      const wide = r.stdout.split('\n').filter((l) => [...l].length > 80);
      expect(wide, cmd.join(' ')).toEqual([]);
    }
  });

  it('lists the environment variables and the config file; fix --help names no fixture path', async () => {
    const top = await agentctl(['--help'], tmpdir());
    for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'NO_COLOR', 'AGENTCTL_CACHE_DIR'])
      expect(top.stdout).toMatch(new RegExp(`\\n  ${name} +\\S`));
    expect(top.stdout).toMatch(/Config file:\n {2}agentctl\.config\.json/);
    expect(top.stdout).toMatch(/130 interrupted/);
    const fix = await agentctl(['fix', '--help'], tmpdir());
    expect(fix.stdout).not.toMatch(/fixtures\//);
    expect(fix.stdout).toMatch(/ANTHROPIC_API_KEY/);
    expect(fix.stdout).toMatch(/agentctl fix -/);
  });
});

describe('starting from where the user is', () => {
  it('-C: a directory that does not exist is exit 2; the option works before and after the command', async () => {
    const missing = await agentctl(['-C', '/nonexistent/agentctl', 'runs', 'list'], tmpdir());
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/-C \/nonexistent\/agentctl: no such directory/);
    const repo = await fixtureRepo('calc-node');
    const before = await agentctl(['-C', repo, 'runs', 'list'], tmpdir());
    expect(before.exitCode, before.stderr).toBe(0);
    const after = await agentctl(['runs', 'list', '-C', repo], tmpdir());
    expect(after.exitCode, after.stderr).toBe(0);
    const notRepo = await agentctl(['runs', 'list'], tmpdir());
    expect(notRepo.exitCode).toBe(2);
  });

  it('AGENTCTL_RUN_ID that cannot name a run is exit 2 with a clear message', async () => {
    const r = await agentctl(['demo'], tmpdir(), { AGENTCTL_RUN_ID: 'a.b' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/AGENTCTL_RUN_ID="a\.b" cannot name a run/);
  });

  it('run ids: prefixes, last, ambiguous and unknown ids; a dirty tree is warned about; fix - reads stdin', async () => {
    const repo = await fixtureRepo('calc-node');
    const a = await agentctl(['fix', TASK, '--yes', '--model', MODEL], repo, { AGENTCTL_RUN_ID: RUN_A });
    expect(a.exitCode, a.stdout + a.stderr).toBe(0);
    // Clean tree: no warning, and the plain merge works.
    expect(a.stderr).not.toMatch(/uncommitted/);
    expect(a.stdout).toContain(`merge:   git merge agentctl/${RUN_A}`);
    // The baseline is announced once; each test run says its count and duration.
    expect(a.stdout.match(/running the full suite to record the baseline/g)).toHaveLength(1);
    expect(a.stdout).not.toMatch(/ORIENT:baseline/);
    expect(a.stdout).toMatch(/tests: \d+ passed, 0 failed \(\d+\.\d s\)/);

    await appendFile(join(repo, 'src', 'calc.js'), '// my local note\n');
    await writeFile(join(repo, 'notes.txt'), 'mine\n');
    const b = await execa('node', [BIN, 'fix', '-', '--yes', '--model', MODEL], {
      cwd: repo,
      reject: false,
      env: { NO_COLOR: '1', AGENTCTL_RUN_ID: RUN_B },
      input: `${TASK}\n`,
    });
    expect(b.exitCode, b.stdout + b.stderr).toBe(0);
    expect(b.stdout).toContain(`agentctl · ${TASK}`);
    expect(b.stderr).toMatch(/uncommitted changes; this run starts from HEAD \([0-9a-f]{12}\)/);
    expect(b.stderr).toContain(' M src/calc.js');
    expect(b.stderr).toContain('?? notes.txt');
    const hint = /merge: {3}(git stash -u && git merge \S+ && git stash pop)/.exec(b.stdout)?.[1];
    expect(hint, b.stdout).toBeDefined();
    const merged = await execa('sh', ['-c', hint!], { cwd: repo, reject: false });
    expect(merged.exitCode, merged.stdout + merged.stderr).toBe(0);
    expect(await readFile(join(repo, 'src', 'calc.js'), 'utf8')).toMatch(/my local note/);
    expect(await readFile(join(repo, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(await gitOut(repo, ['log', '-1', '--format=%s'])).toMatch(/average/);

    const show = await agentctl(['runs', 'show', '20260101-000000-aaaaa'], repo);
    expect(show.exitCode, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/task: average/);
    const last = await agentctl(['runs', 'show', 'last', '--json'], repo);
    expect(last.exitCode).toBe(0);
    expect(last.stdout).toContain(RUN_B);
    for (const args of [
      ['replay', '20260101-000000-aaaab'],
      ['audit', 'verify', 'last'],
    ]) {
      const r = await agentctl(args, repo);
      expect(r.exitCode, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    const resumed = await agentctl(['resume', '20260101-000000-aaaaa'], repo);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`run ${RUN_A} already finished: DONE`));

    const ambiguous = await agentctl(['runs', 'show', '20260101'], repo);
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toMatch(/ambiguous/);
    expect(ambiguous.stderr).toContain(RUN_A);
    expect(ambiguous.stderr).toContain(RUN_B);
    for (const args of [
      ['runs', 'show', 'nope'],
      ['replay', 'nope'],
      ['audit', 'verify', 'nope'],
      ['resume', 'nope'],
      ['runs', 'show', 'a.b'],
    ]) {
      const r = await agentctl(args, repo);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(RUN_B);
    }

    const empty = await execa('node', [BIN, 'fix', '-'], { cwd: repo, reject: false, input: '' });
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toMatch(/stdin was empty/);
  }, 240_000);

  it('after demo, the printed follow-up commands work from where the user stands', async () => {
    const here = await mkdtemp(join(tmpdir(), 'agentctl-elsewhere-'));
    const demo = await agentctl(['demo'], here, { ANTHROPIC_API_KEY: '' });
    expect(demo.exitCode, demo.stdout + demo.stderr).toBe(0);
    const lines = demo.stdout.split('\n');
    const commands = [
      ...lines.flatMap((l) => /inspect: (git -C \S+ show \S+)/.exec(l)?.[1] ?? []),
      ...lines.flatMap((l) => /: +(agentctl -C \S+ (?:runs show|audit verify) last)/.exec(l)?.[1] ?? []),
    ];
    expect(commands, demo.stdout).toHaveLength(3);
    for (const command of commands) {
      const [tool, ...args] = command.split(' ');
      const r =
        tool === 'agentctl'
          ? await agentctl(args, here)
          : await execa(tool!, args, { cwd: here, reject: false });
      expect(r.exitCode, `${command}: ${r.stderr}`).toBe(0);
    }
  }, 120_000);
});
