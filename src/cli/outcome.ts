import { isAbsolute, relative } from 'node:path';
import { exitCodeFor, isTerminal } from '../core/phases.js';
import type { RunContext } from '../runtime/context.js';
import type { DriveOutcome } from '../runtime/driver.js';
import { mergeHint } from './dirty-tree.js';
import type { CliIO } from './io.js';
import type { Style } from './style.js';

/** What the follow-up commands depend on besides the run. */
export interface OutcomeHints {
  /** The user's work tree has uncommitted changes: a plain `git merge` may refuse. */
  dirty?: boolean;
}

function quoted(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** Whether `dir` is `root` or inside it. */
function inside(dir: string, root: string): boolean {
  const rel = relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Prints how a run ended (or paused) and returns its exit code; `--json` gets one result line. The commands it
 * suggests work from where the user stands: when that is outside the run's repo (the demo), they carry -C.
 */
export function reportOutcome(
  result: DriveOutcome & { ctx: RunContext },
  json: boolean,
  style: Style,
  io: CliIO,
  hints: OutcomeHints = {},
): number {
  const { state, ctx } = result;
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const away = !inside(io.cwd, ctx.repoRoot);
  const at = away ? ` -C ${quoted(ctx.repoRoot)}` : '';
  const agentctl = `agentctl${at}`;
  const git = `git${at}`;
  const runDir = away ? ctx.runDir : relative(io.cwd, ctx.runDir) || ctx.runDir;
  const summary: Record<string, unknown> = {
    type: 'result',
    runId: ctx.runId,
    phase: state.phase,
    attempts: state.attempts,
    runDir,
  };
  let code: number;
  if (result.paused === 'interrupted') {
    code = 130;
    summary.paused = 'interrupted';
    if (!json) out(style.yellow(`Stopped at a checkpoint. Resume with: ${agentctl} resume ${ctx.runId}`));
  } else if (result.paused === 'awaiting_review') {
    code = 3;
    summary.paused = 'awaiting_review';
    if (!json) {
      out(style.yellow(`The patch is GREEN and waits for a human review.`));
      out(
        `  review it in a terminal: ${agentctl} resume ${ctx.runId}    or approve by policy: ${agentctl} resume ${ctx.runId} --yes`,
      );
    }
  } else if (isTerminal(state.phase)) {
    code = exitCodeFor(state.phase, state.phase === 'FAILED' ? state.cause : undefined);
    if (state.phase === 'DONE') {
      summary.commit = state.commit.sha;
      summary.branch = state.commit.branch;
      if (!json) {
        out(style.green(`✓ committed ${state.commit.sha.slice(0, 12)} on branch ${state.commit.branch}`));
        out(`  inspect: ${git} show ${state.commit.branch}`);
        out(`  merge:   ${mergeHint(state.commit.branch, hints.dirty === true, git)}`);
      }
    } else if ('reason' in state) {
      summary.reason = state.reason;
      if (!json) {
        out(style.red(`✗ ${state.phase}: ${state.reason}`));
        if (state.phase === 'BUDGET_EXHAUSTED')
          out(`  continue with more budget: ${agentctl} resume ${ctx.runId} --budget turns=80`);
        out(`  evidence: ${runDir}/evidence.md`);
      }
    }
  } else {
    code = 70;
  }
  summary.exitCode = code;
  if (json) out(JSON.stringify(summary));
  return code;
}
