import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/journal/journal-file.js';
import { calcRepo, callHook, cli, decisionOf, hookInput } from './guard-helpers.js';

const repos: string[] = [];
afterAll(async () => {
  for (const dir of repos) await rm(dir, { recursive: true, force: true });
});

const OLD = '  return sum(numbers) / numbers.length;';

/** Claude Code's PreToolUse Edit input (fixture from the Hooks reference), for src/calc.js. */
function edit(repo: string, session: string, next: string): string {
  return hookInput('claude-pre-tool-use-edit', {
    session,
    cwd: repo,
    path: 'src/calc.js',
    old: OLD,
    new: next,
  });
}

async function decisions(repo: string, session: string) {
  const { entries } = await readJournal(join(repo, '.agentctl/guard', session, 'journal.jsonl'));
  return entries
    .filter((e) => e.type === 'guard_decision')
    .map((e) => e.payload as { decision: string; rule: string; reason: string });
}

describe('agentctl guard without RED', () => {
  it('lets a comment-only edit of production code through, and nothing else', async () => {
    const repo = await calcRepo();
    repos.push(repo);
    const comment = await callHook(
      'claude',
      'pre-tool-use',
      edit(repo, 'plain-1', `  // the mean\n${OLD}`),
      repo,
    );
    expect(decisionOf(comment).denied).toBe(false);
    const code = await callHook('claude', 'pre-tool-use', edit(repo, 'plain-1', '  return 0;'), repo);
    expect(decisionOf(code).denied).toBe(true);
    expect((await decisions(repo, 'plain-1')).map((d) => d.rule)).toEqual(['non_behavioural', 'red_failed']);
  }, 120_000);

  it('denies, saying what to fix, when it cannot decide; guard off is the journaled way out', async () => {
    const repo = await calcRepo();
    repos.push(repo);
    // A broken policy file at the session base: agentctl cannot tell tests from production code.
    await writeFile(join(repo, 'agentctl.config.json'), '{ "test": ');
    await execa('git', ['commit', '-qam', 'break the config'], { cwd: repo });
    const reply = await callHook('claude', 'pre-tool-use', edit(repo, 'broken-1', '  return 0;'), repo);
    const d = decisionOf(reply);
    expect(d.denied).toBe(true);
    expect(d.reason).toMatch(/cannot decide, so it denies \(fail closed\)/);
    expect(d.reason).toMatch(/agentctl\.config\.json/);
    expect(d.reason).toMatch(/agentctl guard off --session broken-1/);

    const off = await cli(['guard', 'off', '--session', 'broken-1', '--reason', 'config being fixed'], repo);
    expect(off.exitCode, off.stderr).toBe(0);
    const after = await callHook('claude', 'pre-tool-use', edit(repo, 'broken-1', '  return 0;'), repo);
    expect(decisionOf(after).denied).toBe(false);
    expect((await decisions(repo, 'broken-1')).map((x) => [x.decision, x.rule])).toEqual([
      ['deny', 'cannot_decide'],
      ['allow', 'guard_off'],
    ]);
    const journal = await readFile(join(repo, '.agentctl/guard/broken-1/journal.jsonl'), 'utf8');
    expect(journal).toContain('config being fixed');
    expect((await cli(['audit', 'verify', 'guard:broken-1'], repo)).exitCode).toBe(0);
  }, 120_000);

  it('denies any hook call that would change agentctl state or the hook configuration', async () => {
    const repo = await calcRepo();
    repos.push(repo);
    const write = hookInput('claude-pre-tool-use-write', {
      session: 'self-1',
      cwd: repo,
      path: '.claude/settings.json',
      content: '{}',
    });
    const d = decisionOf(await callHook('claude', 'pre-tool-use', write, repo));
    expect(d.denied).toBe(true);
    expect(d.reason).toMatch(/hook configuration/);
    // git's own directory runs code when agentctl's git reads it: a hook, nested or not, is never writable.
    for (const path of ['.git/hooks/pre-commit', 'packages/a/.git/config']) {
      const hook = hookInput('claude-pre-tool-use-write', {
        session: 'self-1',
        cwd: repo,
        path,
        content: 'x',
      });
      const g = decisionOf(await callHook('claude', 'pre-tool-use', hook, repo));
      expect(g.denied, path).toBe(true);
      expect(g.reason).toMatch(/git's own directory/);
    }
  }, 60_000);
});
