import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative } from 'node:path';
import picomatch from 'picomatch';
import { categorize, classifyChange } from '../../gates/behavior-change.js';
import { renderMarkdown } from '../ci/report-markdown.js';
import type { ChangedFile } from '../ci/git-changes.js';
import { AgentctlError } from '../errors.js';
import { fileInTree, headCommit } from '../git/repo.js';
import { guardGreen } from './green.js';
import type { GuardAnswer, HookCall } from './hosts.js';
import { policyAt, type GuardPolicy } from './policy.js';
import { guardRed } from './red.js';
import { withSession, type OpenSession } from './session.js';
import { snapshotWorkingTree } from './snapshot.js';
import { pendingWrites, type PendingWrite } from './targets.js';

/**
 * Files no hook call may change: agentctl's own state, git's own directory (hooks and config run code when agentctl's
 * git reads them) and the hook configuration that calls agentctl.
 */
const GUARD_FILES = picomatch([
  '.agentctl/**',
  '.git',
  '.git/**',
  '**/.git',
  '**/.git/**',
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.codex/hooks.json',
  '.codex/config.toml',
  '.gemini/settings.json',
]);

/** One judged write: allowed, denied, or the production edit that needs RED first. */
type Ruling =
  | { kind: 'allow'; rule: string; path: string }
  | { kind: 'deny'; rule: string; path: string; reason: string }
  | { kind: 'needs_red'; path: string; change: ChangedFile };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function escapeHatch(session: string): string {
  return `To stop the referee for this session, the user runs: agentctl guard off --session ${session}`;
}

/** Judges one pending write against the session's phase, its locked tests and the base's path rules. */
async function rule(
  root: string,
  w: PendingWrite,
  s: OpenSession,
  policy: GuardPolicy,
): Promise<Ruling | null> {
  const rel = relative(root, w.path).split('\\').join('/');
  if (rel === '' && w.pattern === undefined) return null;
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  const { phase, locked } = s.state;
  if (w.pattern !== undefined) {
    // A directory or glob: whatever locked test it covers is written.
    const match = w.pattern === 'glob' ? picomatch(rel, { dot: true }) : null;
    const covers = (p: string) =>
      match !== null ? match(p) : rel === '' || p === rel || p.startsWith(`${rel}/`);
    const hit = phase === 'locked' ? locked.find((f) => covers(f.path)) : undefined;
    if (hit !== undefined)
      return {
        kind: 'deny',
        rule: 'locked_test',
        path: hit.path,
        reason: `${w.via} would change ${hit.path}, a test locked at RED`,
      };
    return { kind: 'allow', rule: 'no_locked_path', path: rel };
  }
  if (GUARD_FILES(rel))
    return {
      kind: 'deny',
      rule: 'guard_files',
      path: rel,
      reason: `${rel} is agentctl's session state, git's own directory or the hook configuration that calls agentctl; no hook call may change it`,
    };
  const before = await readFile(w.path, 'utf8').catch(() => null);
  const status = before === null ? 'added' : w.after === null ? 'deleted' : 'modified';
  const change: ChangedFile = { path: rel, status, before, after: w.after ?? null };
  const judged =
    w.after === undefined
      ? { category: categorize(rel, policy.kindOf), behaviorChanging: true }
      : classifyChange(change, policy.kindOf);
  switch (judged.category) {
    case 'test':
      if (phase === 'locked' && locked.some((f) => f.path === rel))
        return {
          kind: 'deny',
          rule: 'locked_test',
          path: rel,
          reason: `${rel} was locked when RED passed: its tests are the contract now. Change the production code to make them pass`,
        };
      return { kind: 'allow', rule: 'test_edit', path: rel };
    case 'test_config':
      if (phase === 'locked')
        return {
          kind: 'deny',
          rule: 'test_config_locked',
          path: rel,
          reason: `${rel} is test configuration, locked since RED: how the tests run may not change now`,
        };
      return { kind: 'allow', rule: 'test_config_before_red', path: rel };
    case 'non_code':
      return { kind: 'allow', rule: 'non_code', path: rel };
    case 'dependency':
    case 'production':
      if (!judged.behaviorChanging) return { kind: 'allow', rule: 'non_behavioural', path: rel };
      if (phase === 'locked') return { kind: 'allow', rule: 'after_red', path: rel };
      return { kind: 'needs_red', path: rel, change };
  }
}

async function decidePreTool(root: string, call: HookCall, s: OpenSession, progress: (m: string) => void) {
  const writes = await pendingWrites(call.tool!, call.cwd);
  if (s.state.phase === 'off')
    return {
      answer: { decision: 'allow' } as GuardAnswer,
      rule: 'guard_off',
      paths: [],
      why: 'guard is off',
    };
  const policy = await policyAt(root, s.state.base);
  const rulings = (await Promise.all(writes.map((w) => rule(root, w, s, policy)))).filter(
    (r): r is Ruling => r !== null,
  );
  const paths = [...new Set(rulings.map((r) => r.path))];
  const denied = rulings.filter((r): r is Extract<Ruling, { kind: 'deny' }> => r.kind === 'deny');
  if (denied.length > 0) {
    const reason = `agentctl guard denied this ${call.tool!.name}: ${denied.map((d) => d.reason).join('; ')}.`;
    return { answer: { decision: 'deny', reason } as GuardAnswer, rule: denied[0]!.rule, paths, why: reason };
  }
  const red = rulings.filter((r): r is Extract<Ruling, { kind: 'needs_red' }> => r.kind === 'needs_red');
  if (red.length === 0) {
    const first = rulings[0];
    const rule = first === undefined || first.kind === 'needs_red' ? 'no_write' : first.rule;
    return { answer: { decision: 'allow' } as GuardAnswer, rule, paths, why: `allowed (${rule})` };
  }
  progress(`${red.map((r) => r.path).join(', ')} changes behavior: running RED on the base code`);
  const snapshot = await snapshotWorkingTree(root, s.state.base, s.key);
  const production = await Promise.all(
    red.map(async (r) => ({
      ...r.change,
      before: await fileInTree(root, s.state.base, r.path),
      after: r.change.after ?? (await fileInTree(root, s.state.base, r.path)),
    })),
  );
  const verdict = await guardRed(root, s.state.base, snapshot, policy, production, progress);
  await s.append('guard_red', {
    ok: verdict.ok,
    snapshot,
    trigger: red.map((r) => r.path).join(', '),
    judgements: verdict.judgements.map((j) => ({
      id: j.id,
      file: j.file,
      ok: j.verdict.ok,
      reason: j.verdict.reason,
      message: j.verdict.message,
    })),
    message: verdict.message,
  });
  if (!verdict.ok) {
    const reason = `agentctl guard denied this edit to ${red.map((r) => r.path).join(', ')}: RED did not hold — ${verdict.message}. Production code may change once a new or changed test fails on the current code for the right reason (an assertion about the missing behavior).`;
    return { answer: { decision: 'deny', reason } as GuardAnswer, rule: 'red_failed', paths, why: reason };
  }
  await s.append('guard_locked', { files: verdict.locked });
  return {
    answer: { decision: 'allow' } as GuardAnswer,
    rule: 'red_passed',
    paths,
    why: `RED held (${verdict.message}); locked ${verdict.locked.map((f) => f.path).join(', ')}`,
  };
}

async function decidePostTool(root: string, s: OpenSession) {
  if (s.state.phase !== 'locked')
    return { answer: { decision: 'allow' } as GuardAnswer, rule: 'post_tool', paths: [], why: 'recorded' };
  const changed: string[] = [];
  for (const f of s.state.locked) {
    const text = await readFile(join(root, f.path), 'utf8').catch(() => null);
    if ((text === null ? null : sha256(text)) !== f.sha256) changed.push(f.path);
  }
  if (changed.length === 0)
    return {
      answer: { decision: 'allow' } as GuardAnswer,
      rule: 'lock_intact',
      paths: [],
      why: 'locked tests intact',
    };
  const reason = `agentctl guard: ${changed.join(', ')} changed on disk after RED locked it. Restore it exactly as it was locked (git show ${s.state.lastSnapshot ?? s.state.base}:<path>); stopping is blocked until it matches.`;
  return {
    answer: { decision: 'deny', reason } as GuardAnswer,
    rule: 'locked_test_changed',
    paths: changed,
    why: reason,
  };
}

async function decideStop(root: string, s: OpenSession, progress: (m: string) => void) {
  if (s.state.phase === 'off')
    return {
      answer: { decision: 'allow' } as GuardAnswer,
      rule: 'guard_off',
      paths: [],
      why: 'guard is off',
    };
  const snapshot = await snapshotWorkingTree(root, s.state.base, s.key);
  progress('running GREEN: the new tests, the full suite and the integrity checks');
  const green = await guardGreen(root, s.state.base, snapshot, s.state.locked, progress);
  let evidence: string | null = null;
  if (green.ok) {
    const dir = join(s.dir, 'evidence');
    await mkdir(dir, { recursive: true });
    evidence = join(dir, `cycle-${s.state.cycle}.md`);
    const locked = s.state.locked.map((f) => `- \`${f.path}\` sha256 ${f.sha256 ?? '(deleted)'}`).join('\n');
    await writeFile(
      evidence,
      `# agentctl guard evidence: session ${s.state.session}, cycle ${s.state.cycle}\n\nHost: ${s.state.host}. Base ${s.state.base}; working tree snapshot ${snapshot}.\n\nLocked at RED:\n${locked || '- (nothing: no behavior change needed RED)'}\n\n${renderMarkdown(green.verdict)}`,
    );
    await writeFile(join(dir, `cycle-${s.state.cycle}.json`), `${JSON.stringify(green.verdict, null, 2)}\n`);
  }
  await s.append('guard_green', {
    ok: green.ok,
    snapshot,
    failures: green.failures,
    evidence: evidence === null ? null : relative(root, evidence),
  });
  if (!green.ok) {
    const reason = `agentctl guard: GREEN does not hold yet, so the work is not done — ${green.failures.join('; ')}. Fix the production code (locked tests stay as they are) and finish again.`;
    return {
      answer: { decision: 'deny', reason } as GuardAnswer,
      rule: 'green_failed',
      paths: [],
      why: reason,
    };
  }
  await s.append('guard_closed', { snapshot });
  return {
    answer: { decision: 'allow' } as GuardAnswer,
    rule: 'green_passed',
    paths: [],
    why: `GREEN held; evidence in ${relative(root, evidence!)}`,
  };
}

/** What failed when agentctl could not decide, as the host's model and the user will read it. */
export function cannotDecide(error: unknown, session: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof AgentctlError && error.hint !== undefined ? ` ${error.hint}` : '';
  return `agentctl guard cannot decide, so it denies (fail closed): ${message}.${hint} ${escapeHatch(session)}`;
}

/**
 * Answers one hook call: judges it by the session's phase, runs RED or GREEN when the call needs one, and
 * journals the decision. Anything that stops agentctl from deciding is a denial that says what to fix.
 */
export async function decideHook(
  root: string,
  call: HookCall,
  progress: (message: string) => void = () => undefined,
): Promise<GuardAnswer> {
  return withSession(
    root,
    { session: call.session, host: call.host },
    () => headCommit(root),
    async (s) => {
      let outcome: { answer: GuardAnswer; rule: string; paths: string[]; why: string };
      try {
        outcome =
          call.moment === 'pre-tool'
            ? await decidePreTool(root, call, s, progress)
            : call.moment === 'post-tool'
              ? await decidePostTool(root, s)
              : await decideStop(root, s, progress);
      } catch (error) {
        const reason = cannotDecide(error, call.session);
        outcome = { answer: { decision: 'deny', reason }, rule: 'cannot_decide', paths: [], why: reason };
      }
      await s.append('guard_decision', {
        host: call.host,
        event: call.event,
        tool: call.tool?.name ?? null,
        paths: outcome.paths,
        decision: outcome.answer.decision,
        rule: outcome.rule,
        reason: outcome.why,
      });
      return outcome.answer;
    },
  );
}
