import { readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { fixtureRepo } from '../helpers/fixture-repo.js';
import { BIN } from '../helpers/cli.js';

/** A fresh copy of fixtures/repos/calc-node (average([]) is NaN, documented as 0), committed, modules linked. */
export async function calcRepo(): Promise<string> {
  return realpath(await fixtureRepo('calc-node'));
}

/** A hook input fixture with its `{{name}}` placeholders filled in every string. */
export function hookInput(fixture: string, vars: Record<string, string>): string {
  const doc = JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures', `${fixture}.json`), 'utf8'),
  ) as unknown;
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string')
      return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name] ?? '');
    if (Array.isArray(value)) return value.map(fill);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return JSON.stringify(fill(doc));
}

/** Runs the built `agentctl guard <host> <event>` with `input` on stdin, as the host would. */
export async function callHook(host: string, event: string, input: string, cwd: string) {
  const run = await execa('node', [BIN, 'guard', host, event], {
    cwd,
    input,
    reject: false,
    env: { NO_COLOR: '1' },
  });
  return { exitCode: run.exitCode ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** Runs the built agentctl with `args` (no stdin). */
export async function cli(args: string[], cwd: string) {
  const run = await execa('node', [BIN, ...args], {
    cwd,
    reject: false,
    stdin: 'ignore',
    env: { NO_COLOR: '1' },
  });
  return { exitCode: run.exitCode ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/**
 * The decision in a hook reply, read as each host's documentation says it reads it: Claude Code and Codex
 * `hookSpecificOutput.permissionDecision` (PreToolUse) or `decision: "block"` (Stop, PostToolUse); Gemini CLI
 * `decision: "deny"`; exit 2 denies on all three. Anything else lets the action through.
 */
export function decisionOf(reply: { exitCode: number; stdout: string }): { denied: boolean; reason: string } {
  if (reply.exitCode === 2) return { denied: true, reason: 'exit 2' };
  if (reply.exitCode !== 0) return { denied: false, reason: `exit ${reply.exitCode}` };
  if (reply.stdout.trim() === '') return { denied: false, reason: '' };
  const out = JSON.parse(reply.stdout) as Record<string, unknown>;
  const specific = out.hookSpecificOutput as Record<string, unknown> | undefined;
  if (specific?.permissionDecision === 'deny')
    return { denied: true, reason: String(specific.permissionDecisionReason) };
  if (out.decision === 'block' || out.decision === 'deny')
    return { denied: true, reason: String(out.reason) };
  return { denied: false, reason: '' };
}
