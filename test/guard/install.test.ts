import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './guard-helpers.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function repo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentctl-guard-install-'));
  dirs.push(dir);
  await execa('git', ['init', '-q'], { cwd: dir });
  return dir;
}

/** What the user already had: other hooks, other events, other keys. */
const EXISTING = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test:*)'], deny: ['Read(./.env)'] },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/check-bash.sh' }] }],
    SessionStart: [{ hooks: [{ type: 'command', command: 'echo hello' }] }],
  },
  env: { FOO: 'bar' },
};

describe('agentctl guard install', () => {
  it.each([
    ['claude', '.claude/settings.json', ['PreToolUse', 'PostToolUse', 'Stop']],
    ['codex', '.codex/hooks.json', ['PreToolUse', 'PostToolUse', 'Stop']],
    ['gemini', '.gemini/settings.json', ['BeforeTool', 'AfterTool', 'AfterAgent']],
  ])('merges %s hooks into %s without clobbering what is there', async (host, file, events) => {
    const dir = await repo();
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), JSON.stringify(EXISTING, null, 2));
    const first = await cli(['guard', 'install', '--host', host], dir);
    expect(first.exitCode, first.stderr).toBe(0);
    // Twice: a second install replaces agentctl's entries rather than adding more.
    expect((await cli(['guard', 'install', '--host', host], dir)).exitCode).toBe(0);
    const merged = JSON.parse(await readFile(join(dir, file), 'utf8')) as typeof EXISTING & {
      hooks: Record<string, Array<{ matcher?: string; hooks: Array<{ command: string }> }>>;
    };
    expect(merged.model).toEqual(EXISTING.model);
    expect(merged.permissions).toEqual(EXISTING.permissions);
    expect(merged.env).toEqual(EXISTING.env);
    expect(merged.hooks.SessionStart).toEqual(EXISTING.hooks.SessionStart);
    for (const event of events) {
      const ours = merged.hooks[event]!.filter((g) =>
        g.hooks.some((x) => x.command.includes(`guard ${host} `)),
      );
      expect(ours, event).toHaveLength(1);
    }
    // The user's own PreToolUse hook is still first, unchanged.
    if (host !== 'gemini') expect(merged.hooks.PreToolUse[0]).toEqual(EXISTING.hooks.PreToolUse[0]);
    else expect(merged.hooks.PreToolUse).toEqual(EXISTING.hooks.PreToolUse);
  });

  it('prints without writing, and refuses a settings file that is not JSON', async () => {
    const dir = await repo();
    const printed = await cli(['guard', 'install', '--host', 'claude', '--print'], dir);
    expect(printed.exitCode).toBe(0);
    expect(JSON.parse(printed.stdout)).toHaveProperty('hooks.Stop');
    await expect(readFile(join(dir, '.claude/settings.json'))).rejects.toThrow();
    await mkdir(join(dir, '.claude'));
    await writeFile(join(dir, '.claude/settings.json'), '{ not json');
    const refused = await cli(['guard', 'install', '--host', 'claude'], dir);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/not valid JSON/);
    expect(await readFile(join(dir, '.claude/settings.json'), 'utf8')).toBe('{ not json');
  });

  it('denies with exit 2 when the hook input is unreadable (fail closed)', async () => {
    const dir = await repo();
    const { execa: run } = await import('execa');
    const { BIN } = await import('../helpers/cli.js');
    const reply = await run('node', [BIN, 'guard', 'claude', 'pre-tool-use'], {
      cwd: dir,
      input: 'not json',
      reject: false,
    });
    expect(reply.exitCode).toBe(2);
    expect(reply.stderr).toMatch(/fail closed/);
  });
});
