import type { PatchRef } from '../core/evidence.js';
import { isTerminal } from '../core/phases.js';
import type { RunState } from '../core/state.js';
import { parseDiff } from './diff-model.js';
import { HELP } from './repl-commands.js';
import type { RunOutcome } from './repl-session.js';
import type { RunView } from './run-view.js';
import { formatElapsed } from './spinner.js';
import type { Tone } from './theme.js';

type Line = [string, Tone];

/** /help. */
export function helpLines(): Line[] {
  const width = Math.max(...HELP.map(([c]) => c.length));
  return [
    ['Type a task to start a gated run, or a command:', 'bold'],
    ...HELP.map(([c, what]): Line => [`  ${c.padEnd(width)}  ${what}`, 'plain']),
    ['Keys: ↑/↓ history · Ctrl-C once stops a run at the next safe boundary, twice leaves', 'dim'],
  ];
}

/** /status. */
export function statusLine(run: RunView | null, model: string | null, busy: boolean): Line {
  const m = `model ${model ?? '(from agentctl.config.json)'}`;
  if (run === null) return [`no run yet in this session · ${m}`, 'plain'];
  const s = run.state;
  const attempts = s === null ? '' : ` · attempts ${s.attempts}/${s.maxAttempts}`;
  const id = run.runId ?? '(starting)';
  return [
    `run ${id} · ${run.phase}${busy ? '' : ' (not running)'}${attempts} · ${m} · task: ${run.task}`,
    'plain',
  ];
}

/** /budget: the run's usage against its limits, as the state holds them. */
export function budgetLines(state: RunState | null): Line[] {
  if (state === null) return [['no run yet; budgets apply per run', 'dim']];
  const { usage: u, limits: l } = state;
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    [`turns          ${u.turns}/${l.maxTurns}`, 'plain'],
    [`input tokens   ${n(u.inputTokens)}/${n(l.maxInputTokens)}`, 'plain'],
    [`output tokens  ${n(u.outputTokens)}/${n(l.maxOutputTokens)}`, 'plain'],
    [`cost           $${u.costUsd.toFixed(4)}/$${l.maxCostUsd}`, 'plain'],
    [`wall time      ${formatElapsed(u.wallMs)}/${formatElapsed(l.maxWallMs)}`, 'plain'],
  ];
}

/** /diff: the last patch applied, coloured. */
export function diffLines(patch: PatchRef | null): Line[] {
  if (patch === null) return [['no patch yet in this session', 'dim']];
  const out: Line[] = [
    [`patch ${patch.sha.slice(0, 12)} · ${patch.files.join(', ')} · ${patch.summary}`, 'bold'],
  ];
  for (const file of parseDiff(patch.diff)) {
    out.push([`--- ${file.path}`, 'bold']);
    for (const hunk of file.hunks) {
      out.push([hunk.header, 'hunk']);
      for (const line of hunk.lines)
        out.push([line.text, line.kind === 'add' ? 'add' : line.kind === 'del' ? 'del' : 'plain']);
    }
  }
  return out;
}

/** How a run ended, in the words `agentctl fix` uses. */
export function outcomeLines(outcome: RunOutcome, canResume: boolean): Line[] {
  const { state, runId, runDir } = outcome;
  const resume = canResume ? `; continue with /resume ${runId}` : '';
  if (outcome.alreadyFinished === true)
    return [[`run ${runId} has already ended (${state.phase}); nothing to do`, 'dim']];
  if (outcome.paused === 'interrupted') return [[`stopped at a checkpoint (run ${runId})${resume}`, 'warn']];
  if (outcome.paused === 'awaiting_review')
    return [[`the GREEN patch waits for a review (run ${runId}); nothing was committed${resume}`, 'warn']];
  if (state.phase === 'DONE')
    return [
      [`✓ committed ${state.commit.sha.slice(0, 12)} on branch ${state.commit.branch}`, 'ok'],
      [`  inspect: git show ${state.commit.branch}    merge: git merge ${state.commit.branch}`, 'dim'],
    ];
  if (isTerminal(state.phase) && 'reason' in state)
    return [
      [`✗ ${state.phase}: ${state.reason}`, 'error'],
      [`  evidence: ${runDir}/evidence.md`, 'dim'],
    ];
  return [[`the run stopped in ${state.phase}`, 'warn']];
}
