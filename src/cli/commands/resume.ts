import type { BudgetLimits } from '../../core/budget.js';
import { exitCodeFor, isTerminal } from '../../core/phases.js';
import type { RunState } from '../../core/state.js';
import { UsageError } from '../../errors.js';
import { repoRoot } from '../../git/repo.js';
import { readJournal } from '../../journal/journal-file.js';
import { requireJournal } from '../../journal/run-store.js';
import { foldJournal } from '../../runtime/fold.js';
import { alreadyEnded, resumeRun } from '../../runtime/resume.js';
import { setupRun } from '../../runtime/run-setup.js';
import { uncommittedFiles } from '../dirty-tree.js';
import type { CliIO } from '../io.js';
import { reportOutcome } from '../outcome.js';
import { runSurface } from '../run-surface.js';

const BUDGET_KEYS: Record<string, keyof BudgetLimits> = {
  turns: 'maxTurns',
  input: 'maxInputTokens',
  output: 'maxOutputTokens',
  cost: 'maxCostUsd',
  wall: 'maxWallMs',
};

/** Parses `turns=80,cost=10` into limits; names the bad part otherwise. */
export function parseBudget(text: string): Partial<BudgetLimits> {
  const limits: Partial<BudgetLimits> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    const field = BUDGET_KEYS[key ?? ''];
    const n = Number(value);
    if (field === undefined || value === undefined || !Number.isFinite(n) || n <= 0) {
      throw new UsageError(
        `--budget: cannot read "${part}".`,
        `Use key=value pairs from ${Object.keys(BUDGET_KEYS).join(', ')}, e.g. --budget turns=80,cost=10`,
      );
    }
    limits[field] = n;
  }
  return limits;
}

/** How a finished run ended, in one line: "run X already finished: DONE, committed abc on agentctl/X". */
export function endedLine(runId: string, state: RunState): string {
  const how =
    state.phase === 'DONE'
      ? `DONE, committed ${state.commit.sha.slice(0, 12)} on ${state.commit.branch}`
      : 'reason' in state
        ? `${state.phase} (${state.reason})`
        : state.phase;
  const more =
    state.phase === 'BUDGET_EXHAUSTED' ? `; continue it with agentctl resume ${runId} --budget turns=80` : '';
  return `run ${runId} already finished: ${how}; nothing to do${more}`;
}

/** The exit code a finished run ended with, so a resumed run answers the same however often it is resumed. */
function endedCode(state: RunState): number {
  if (!isTerminal(state.phase)) return 70;
  return exitCodeFor(state.phase, state.phase === 'FAILED' ? state.cause : undefined);
}

/**
 * `agentctl resume <run-id>`: continue a paused, interrupted or crashed run from its journal. An unknown id or a
 * corrupt journal is exit 2 (naming the recent runs, or the bad line). A finished run is left untouched (nothing
 * journaled, no worktree) and the command exits with that run's own exit code (0 for DONE).
 */
export async function resumeCommand(
  runId: string,
  opts: { json?: boolean; yes?: boolean; model?: string; budget?: string },
  io: CliIO,
): Promise<number> {
  const root = await repoRoot(io.cwd);
  const journal = await readJournal(await requireJournal(root, runId));
  const folded = foldJournal(journal.entries);
  const limits = opts.budget !== undefined ? parseBudget(opts.budget) : undefined;
  if (alreadyEnded(folded, limits)) {
    const code = endedCode(folded.state);
    if (opts.json) {
      const { state } = folded;
      const line = {
        type: 'result',
        runId,
        phase: state.phase,
        attempts: state.attempts,
        ...(state.phase === 'DONE' ? { commit: state.commit.sha, branch: state.commit.branch } : {}),
        ...('reason' in state ? { reason: state.reason } : {}),
        alreadyFinished: true,
        exitCode: code,
      };
      io.stdout.write(`${JSON.stringify(line)}\n`);
    } else io.stdout.write(`${endedLine(runId, folded.state)}\n`);
    // A `ci fix` run that crashed after it ended but before it published still publishes (once).
    const failed = folded.publish !== null ? await publish(root, runId, opts.json === true, io) : null;
    return failed ?? code;
  }
  const setup = await setupRun({
    cwd: io.cwd,
    env: io.env,
    model: opts.model,
    resume: { config: folded.ctx.config, modelSpec: folded.modelSpec },
    surface: (config) => runSurface(io, config, opts),
  });
  const { surface } = setup;
  try {
    const result = await resumeRun(io.cwd, runId, {
      ...setup.session,
      ...(limits !== undefined ? { limits } : {}),
    });
    if (result.alreadyFinished && !opts.json) surface.out(endedLine(runId, result.state));
    // A `ci fix` run publishes when it ends, also when it ends in a resume after a crash.
    const failed =
      folded.publish !== null && result.paused !== 'interrupted'
        ? await publish(result.ctx.repoRoot, runId, opts.json === true, io, (line) =>
            surface.out(surface.style.dim(`  ${line}`)),
          )
        : null;
    surface.idle();
    const dirty = (await uncommittedFiles(result.ctx.repoRoot)).length > 0;
    const code = reportOutcome(result, opts.json === true, surface.style, io, { dirty });
    return failed ?? code;
  } finally {
    surface.dispose();
  }
}

async function publish(
  root: string,
  runId: string,
  json: boolean,
  io: CliIO,
  note: (line: string) => void = (line) => io.stdout.write(`  ${line}\n`),
): Promise<number | null> {
  const { publishPlanned } = await import('./ci-fix.js');
  return publishPlanned(root, runId, io, { note: (line) => (json ? undefined : note(line)), json });
}
