import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { readJournal } from '../../src/journal/journal-file.js';
import { calcRepo, callHook, cli, decisionOf, hookInput } from './guard-helpers.js';

/**
 * Each host's hook inputs, from its own documentation:
 * - Claude Code: "Hooks reference" (code.claude.com/docs/en/hooks): common input fields, PreToolUse input with
 *   tool_name/tool_input/tool_use_id (Write: file_path, content; Edit: file_path, old_string, new_string,
 *   replace_all; Bash: command, description), Stop input with stop_hook_active; PreToolUse decision control
 *   (hookSpecificOutput.permissionDecision) and Stop's decision "block".
 * - Codex CLI: "Hooks" (developers.openai.com/codex/hooks) and its generated schemas
 *   (codex-rs/hooks/schema/generated/pre-tool-use.command.input.schema.json, stop.command.input.schema.json):
 *   the same event names; Bash and apply_patch carry their text in tool_input.command.
 * - Gemini CLI: "Hooks reference" (geminicli.com/docs/hooks/reference): base input fields with timestamp,
 *   BeforeTool (tool_name, tool_input), AfterAgent (prompt, prompt_response, stop_hook_active), decision "deny".
 */
interface HostCase {
  host: 'claude' | 'codex' | 'gemini';
  pre: string;
  stop: string;
  edit: string;
  write: string;
  shell: string;
  stopFixture: string;
  /** Placeholders for a one-line replacement, shaped as this host's edit tool carries it. */
  editVars(old: string, next: string): Record<string, string>;
  writeVars(content: string): Record<string, string>;
}

const plain = {
  editVars: (old: string, next: string) => ({ old, new: next }),
  writeVars: (content: string) => ({ content }),
};

const HOSTS: HostCase[] = [
  {
    host: 'claude',
    pre: 'pre-tool-use',
    stop: 'stop',
    edit: 'claude-pre-tool-use-edit',
    write: 'claude-pre-tool-use-write',
    shell: 'claude-pre-tool-use-bash',
    stopFixture: 'claude-stop',
    ...plain,
  },
  {
    host: 'codex',
    pre: 'pre-tool-use',
    stop: 'stop',
    edit: 'codex-pre-tool-use-apply-patch-edit',
    write: 'codex-pre-tool-use-apply-patch-write',
    shell: 'codex-pre-tool-use-bash',
    stopFixture: 'codex-stop',
    // apply_patch: every added line carries a "+", every removed one a "-".
    editVars: (old, next) => ({ old: old.split('\n').join('\n-'), new: next.split('\n').join('\n+') }),
    writeVars: (content) => ({
      plus_content: content
        .split('\n')
        .slice(0, -1)
        .map((l) => `+${l}\n`)
        .join(''),
    }),
  },
  {
    host: 'gemini',
    pre: 'before-tool',
    stop: 'after-agent',
    edit: 'gemini-before-tool-replace',
    write: 'gemini-before-tool-write-file',
    shell: 'gemini-before-tool-shell',
    stopFixture: 'gemini-after-agent',
    ...plain,
  },
];

const PASSING_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sum } from '../src/calc.js';

test('sum of one number is that number', () => {
  assert.equal(sum([4]), 4);
});
`;

const FAILING_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { average } from '../src/calc.js';

test('average of an empty list is 0', () => {
  assert.equal(average([]), 0);
});
`;

const OLD = '  return sum(numbers) / numbers.length;';
const FIX = '  if (numbers.length === 0) return 0;\n  return sum(numbers) / numbers.length;';

const repos: string[] = [];
afterAll(async () => {
  for (const dir of repos) await rm(dir, { recursive: true, force: true });
});

describe.each(HOSTS)('agentctl guard for $host', (h) => {
  it('denies production first, keeps passing tests from unlocking, unlocks on a right-reason failure, locks the tests, blocks Stop until GREEN, journals it all', async () => {
    const repo = await calcRepo();
    repos.push(repo);
    const session = `guard-${h.host}-0001`;
    const vars = (more: Record<string, string>) => ({ session, cwd: repo, ...more });
    const pre = (fixture: string, more: Record<string, string>) =>
      callHook(h.host, h.pre, hookInput(fixture, vars(more)), repo);
    const prodEdit = () => pre(h.edit, { path: 'src/calc.js', ...h.editVars(OLD, FIX) });
    let calls = 0;
    const expectDecision = async (reply: Promise<{ exitCode: number; stdout: string }>, denied: boolean) => {
      calls += 1;
      const d = decisionOf(await reply);
      expect(d.denied, d.reason).toBe(denied);
      return d.reason;
    };

    // A production edit before any test.
    expect(await expectDecision(prodEdit(), true)).toMatch(/no new or changed test/);

    // A test that passes on the current code is allowed, but does not unlock production edits.
    await expectDecision(pre(h.write, { path: 'test/one.test.js', ...h.writeVars(PASSING_TEST) }), false);
    await writeFile(join(repo, 'test/one.test.js'), PASSING_TEST);
    expect(await expectDecision(prodEdit(), true)).toMatch(/passes on unchanged production code/);

    // A test that fails for the right reason (an assertion about the missing behavior) does.
    await expectDecision(pre(h.write, { path: 'test/average.test.js', ...h.writeVars(FAILING_TEST) }), false);
    await writeFile(join(repo, 'test/average.test.js'), FAILING_TEST);
    await expectDecision(prodEdit(), false);

    // The locked test can no longer be edited, by the edit tool or through the shell.
    const weaken = h.editVars('  assert.equal(average([]), 0);', '  assert.ok(true);');
    expect(await expectDecision(pre(h.edit, { path: 'test/average.test.js', ...weaken }), true)).toMatch(
      /locked/,
    );
    const sed = "sed -i 's/0);/NaN);/' test/average.test.js";
    expect(await expectDecision(pre(h.shell, { command: sed }), true)).toMatch(/locked/);

    // Stop while the suite fails (the fix was allowed but is not on disk yet) is blocked with the failure.
    const stop = () => callHook(h.host, h.stop, hookInput(h.stopFixture, vars({})), repo);
    expect(await expectDecision(stop(), true)).toMatch(/average of an empty list is 0/);

    // Once the fix is on disk, GREEN holds and stopping is allowed.
    const calc = join(repo, 'src/calc.js');
    await writeFile(calc, (await readFile(calc, 'utf8')).replace(OLD, FIX));
    await expectDecision(stop(), false);

    const status = await cli(['guard', 'status', '--session', session, '--json'], repo);
    const state = JSON.parse(status.stdout) as { phase: string; locked: Array<{ path: string }> };
    expect(state.phase).toBe('closed');
    expect(state.locked.map((f) => f.path).sort()).toEqual(['test/average.test.js', 'test/one.test.js']);

    // Every decision is journaled, and audit verify accepts the session's journal.
    const { entries } = await readJournal(join(repo, '.agentctl/guard', session, 'journal.jsonl'));
    const decisions = entries.filter((e) => e.type === 'guard_decision');
    expect(decisions).toHaveLength(calls);
    expect(decisions.map((e) => (e.payload as { decision: string }).decision)).toEqual([
      'deny',
      'allow',
      'deny',
      'allow',
      'allow',
      'deny',
      'deny',
      'deny',
      'allow',
    ]);
    const audit = await cli(['audit', 'verify', `guard:${session}`], repo);
    expect(audit.stdout).toContain('✓ hash chain');
    expect(audit.exitCode).toBe(0);
  }, 600_000);
});
