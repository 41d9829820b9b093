import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { agentctl } from '../helpers/cli.js';
import { cassettePath, gitOut } from '../helpers/fixture-repo.js';

async function jestRepoWithoutModules(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentctl-nojest-'));
  const git = simpleGit(dir);
  await git.init();
  await git.addConfig('user.name', 't');
  await git.addConfig('user.email', 't@example.invalid');
  await writeFile(join(dir, 'package.json'), '{"devDependencies":{"jest":"^30"}}');
  await writeFile(join(dir, 'agentctl.config.json'), '{"test":{"runner":"jest"}}');
  await writeFile(join(dir, 'a.test.js'), "test('a', () => { expect(1).toBe(1); });\n");
  await git.add('.');
  await git.commit('init');
  return dir;
}

describe('a test runner that is not installed', () => {
  it('is named at once with the fix, on screen and in evidence.md, and nothing reaches the registry', async () => {
    const repo = await jestRepoWithoutModules();
    const started = Date.now();
    const r = await agentctl(
      ['fix', 'x', '--yes', '--model', `scripted:${cassettePath('calc-node', 'happy-path')}`],
      repo,
      // A registry that cannot answer: a run that tried to fetch jest would stall or fail differently.
      { npm_config_registry: 'http://127.0.0.1:9/' },
    );
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stdout).toMatch(
      /could not run the test suite: jest is not installed here: run npm install \(`node \S+jest-launch\.cjs` exited with code 127\)/,
    );
    expect(r.stdout).toMatch(/agentctl: jest is not installed here/);
    const runs = join(repo, '.agentctl', 'runs');
    const [run] = await readdir(runs);
    const evidence = await readFile(join(runs, run!, 'evidence.md'), 'utf8');
    expect(evidence).toMatch(
      /Outcome: could not run the test suite: jest is not installed here: run npm install/,
    );
    expect(evidence).toMatch(/```text\nagentctl: jest is not installed here: run npm install\n```/);
    expect(await gitOut(repo, ['branch', '--list', 'agentctl/*'])).toBe('');
  });
});
