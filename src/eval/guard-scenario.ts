import { readFile, realpath, rm, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { materializeFixture } from '../cli/commands/demo.js';
import { describeIssues } from '../core/proposals.js';
import { ConfigError } from '../errors.js';
import { decideHook } from '../guard/decide.js';
import { GUARD_HOSTS, type GuardHost } from '../guard/events.js';
import { HOST_EVENTS, parseHookInput, renderReply } from '../guard/hosts.js';
import { sessionJournal, sessionKey } from '../guard/session.js';
import { readJournal, verifyChain } from '../journal/journal-file.js';
import type { Check } from './score.js';

/** One step: a hook call the host makes (and what agentctl must answer), or files the host's tool wrote. */
const Step = z.union([
  z
    .object({
      hook: z.string().min(1).describe("the host's event word, as in `agentctl guard <host> <event>`"),
      input: z
        .record(z.string(), z.unknown())
        .default({})
        .describe('event fields beyond the common ones (tool_name, tool_input…); {{cwd}} is the repo'),
      expect: z.enum(['allow', 'deny']),
      reasonMatches: z.string().optional(),
    })
    .strict(),
  z
    .object({ write: z.record(z.string(), z.string()).describe('repo path → content, as the tool wrote it') })
    .strict(),
]);

/** A guard scenario (docs/eval.md): a host's hook calls on a fixture repo, each answer checked. */
export const GuardScenario = z
  .object({
    version: z.literal(1),
    kind: z.literal('guard'),
    name: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/),
    description: z.string().default(''),
    fixture: z.string().min(1),
    host: z.enum(GUARD_HOSTS),
    steps: z.array(Step).min(1),
  })
  .strict();
export type GuardScenario = z.infer<typeof GuardScenario>;

/** A loaded guard scenario, told apart from model-run scenarios by `kind`. */
export interface LoadedGuardScenario {
  kind: 'guard';
  file: string;
  scenario: GuardScenario;
}

/** True when a scenario file's JSON is a guard scenario. */
export function isGuardScenario(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'guard';
}

/** Validates a guard scenario; a bad one is a ConfigError naming the file and the field. */
export function parseGuardScenario(file: string, raw: unknown): LoadedGuardScenario {
  const parsed = GuardScenario.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      `Scenario ${file} is invalid: ${describeIssues(parsed.error)}`,
      'See docs/eval.md.',
    );
  return { kind: 'guard', file, scenario: parsed.data };
}

/** The fields every hook input of `host` carries, per its hook documentation. */
function commonFields(host: GuardHost, session: string, cwd: string, event: string): Record<string, unknown> {
  const base = { session_id: session, cwd, hook_event_name: event };
  if (host === 'claude')
    return { ...base, transcript_path: join(cwd, '.transcript.jsonl'), permission_mode: 'default' };
  if (host === 'codex')
    return { ...base, transcript_path: null, model: 'eval', permission_mode: 'default', turn_id: 'eval' };
  return { ...base, transcript_path: join(cwd, '.transcript.json'), timestamp: new Date().toISOString() };
}

function fill(value: unknown, cwd: string): unknown {
  if (typeof value === 'string') return value.replaceAll('{{cwd}}', cwd);
  if (Array.isArray(value)) return value.map((v) => fill(v, cwd));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, cwd)]));
  return value;
}

/** What a reply tells the host, read the way each host's documentation says it reads it. */
function decisionOf(stdout: string, exitCode: number): { decision: 'allow' | 'deny'; reason: string } {
  if (exitCode === 2) return { decision: 'deny', reason: 'exit 2' };
  if (stdout.trim() === '') return { decision: 'allow', reason: '' };
  const out = JSON.parse(stdout) as Record<string, unknown>;
  const specific = out.hookSpecificOutput as Record<string, unknown> | undefined;
  if (specific?.permissionDecision === 'deny')
    return { decision: 'deny', reason: String(specific.permissionDecisionReason) };
  if (out.decision === 'block' || out.decision === 'deny')
    return { decision: 'deny', reason: String(out.reason) };
  return { decision: 'allow', reason: '' };
}

/** Plays a guard scenario on a fresh copy of its fixture and checks every answer and the session journal. */
export async function runGuardScenario(loaded: LoadedGuardScenario): Promise<Check[]> {
  const s = loaded.scenario;
  const checks: Check[] = [];
  const repo = await realpath(await materializeFixture(s.fixture, false));
  const session = `eval-${s.name}`;
  try {
    let hooks = 0;
    let denials = { expected: 0, seen: 0 };
    for (const [i, step] of s.steps.entries()) {
      if ('write' in step) {
        for (const [path, text] of Object.entries(step.write)) {
          await mkdir(dirname(join(repo, path)), { recursive: true });
          await writeFile(join(repo, path), text);
        }
        continue;
      }
      hooks += 1;
      const event = HOST_EVENTS[s.host][step.hook]?.event ?? step.hook;
      const doc = { ...commonFields(s.host, session, repo, event), ...(fill(step.input, repo) as object) };
      const call = parseHookInput(s.host, step.hook, JSON.stringify(doc));
      const reply = renderReply(call, await decideHook(repo, call));
      const seen = decisionOf(reply.stdout, reply.exitCode);
      denials = {
        expected: denials.expected + (step.expect === 'deny' ? 1 : 0),
        seen: denials.seen + (seen.decision === 'deny' ? 1 : 0),
      };
      const reasonOk =
        step.reasonMatches === undefined || new RegExp(step.reasonMatches, 'i').test(seen.reason);
      checks.push({
        field: `step ${i + 1} ${step.hook} ${toolNameOf(step.input)}`.trim(),
        expected: `${step.expect}${step.reasonMatches === undefined ? '' : ` /${step.reasonMatches}/`}`,
        observed: `${seen.decision}${seen.reason === '' ? '' : `: ${seen.reason.slice(0, 200)}`}`,
        ok: seen.decision === step.expect && reasonOk,
      });
    }
    // The table's summary cell (it shows the `phase` check): how many calls were blocked.
    checks.unshift({
      field: 'phase',
      expected: `${denials.expected}/${hooks} blocked`,
      observed: `${denials.seen}/${hooks} blocked`,
      ok: denials.expected === denials.seen,
    });
    const { entries } = await readJournal(sessionJournal(repo, sessionKey(session)));
    const chain = verifyChain(entries);
    const decisions = entries.filter((e) => e.type === 'guard_decision').length;
    checks.push({
      field: 'journal',
      expected: `${hooks} decisions, chain intact`,
      observed: `${decisions} decisions, ${chain.ok ? 'chain intact' : 'chain broken'}`,
      ok: chain.ok && decisions === hooks,
    });
  } catch (error) {
    checks.push({ field: 'run', expected: 'completes', observed: (error as Error).message, ok: false });
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
  return checks;
}

/** Reads a scenario file's JSON (for telling guard scenarios apart before validating either kind). */
export async function readScenarioJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The tool a hook input names, for the check's label; empty when it names none. */
function toolNameOf(input: unknown): string {
  const name = (input as { tool_name?: unknown } | null)?.tool_name;
  return typeof name === 'string' ? name : '';
}
