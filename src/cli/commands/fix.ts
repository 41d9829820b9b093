import { relative } from 'node:path';
import { exitCodeFor, isTerminal, type TerminalPhase } from '../../core/phases.js';
import type { Config } from '../../policy/config-schema.js';
import { loadConfig } from '../../policy/config.js';
import { policyApprover } from '../../policy/approval.js';
import { resolveModel } from '../../model/resolve.js';
import { repoRoot } from '../../git/repo.js';
import type { Approver, ReviewDecision } from '../../runtime/context.js';
import { startFix } from '../../runtime/session.js';
import type { CliIO } from '../io.js';
import { humanProgress, jsonProgress } from '../progress.js';
import { colorEnabled, makeStyle } from '../style.js';
import { terminalApprover } from '../terminal-approver.js';

export interface FixOptions {
  model?: string;
  json?: boolean;
  yes?: boolean;
  maxAttempts?: number;
  /** Who approves under --yes, for the commit trailer. */
  approvedBy?: string;
}

const noHuman: Approver = {
  review: (): Promise<ReviewDecision> =>
    Promise.resolve({
      decision: 'quit',
      by: 'nobody',
      reason: 'no terminal to ask; pass --yes to approve GREEN patches by policy',
    }),
};

/** `agentctl fix "<task>"`: one gated run; returns the exit code. */
export async function fixCommand(task: string, opts: FixOptions, io: CliIO, cwd = io.cwd): Promise<number> {
  const root = await repoRoot(cwd);
  const loaded = await loadConfig(root);
  const config: Config =
    opts.maxAttempts === undefined ? loaded : { ...loaded, repair: { maxAttempts: opts.maxAttempts } };
  const model = await resolveModel(opts.model ?? config.model, io.cwd);
  const style = makeStyle(!opts.json && colorEnabled(io.stdout));
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const interactive = io.stdin.isTTY === true && io.stdout.isTTY === true && !opts.json;
  const approver =
    opts.yes === true || config.approval.mode === 'auto'
      ? policyApprover(
          config.approval.maxAutoApproveLines,
          opts.approvedBy ?? (opts.yes ? 'policy (--yes)' : 'policy'),
        )
      : interactive
        ? terminalApprover(io.stdin, io.stdout, style, io.env.USER ?? 'user')
        : noHuman;

  let stops = 0;
  const removeHandler = io.onInterrupt(() => {
    stops += 1;
    io.stderr.write(
      stops === 1
        ? '\nagentctl: stopping at the next safe boundary (Ctrl-C again to abort)…\n'
        : '\nagentctl: aborting.\n',
    );
  });
  try {
    if (!opts.json) out(style.bold(`agentctl · ${task}`));
    const result = await startFix(cwd, task, {
      model,
      approver,
      progress: opts.json ? jsonProgress(out) : humanProgress(out, style),
      stopRequested: () => stops > 0,
      config,
    });
    const { state, ctx } = result;
    const runDir = relative(io.cwd, ctx.runDir) || ctx.runDir;
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
      if (!opts.json) out(style.yellow(`Stopped at a checkpoint. Resume with: agentctl resume ${ctx.runId}`));
    } else if (result.paused === 'awaiting_review') {
      code = 3;
      summary.paused = 'awaiting_review';
      if (!opts.json)
        out(
          style.yellow(
            `The patch is GREEN and waits for a human review. Resume in a terminal with: agentctl resume ${ctx.runId} (or rerun with --yes).`,
          ),
        );
    } else if (isTerminal(state.phase)) {
      code = exitCodeFor(state.phase as TerminalPhase, state.phase === 'FAILED' ? state.cause : undefined);
      if (state.phase === 'DONE') {
        summary.commit = state.commit.sha;
        summary.branch = state.commit.branch;
        if (!opts.json) {
          out(style.green(`✓ committed ${state.commit.sha.slice(0, 12)} on branch ${state.commit.branch}`));
          out(`  inspect: git show ${state.commit.branch}    merge: git merge ${state.commit.branch}`);
        }
      } else if ('reason' in state) {
        summary.reason = state.reason;
        if (!opts.json) {
          out(style.red(`✗ ${state.phase}: ${state.reason}`));
          out(`  evidence: ${runDir}/evidence.md`);
        }
      }
    } else {
      code = 70;
    }
    summary.exitCode = code;
    if (opts.json) out(JSON.stringify(summary));
    return code;
  } finally {
    removeHandler();
  }
}
