import type { BudgetLimits } from '../../core/budget.js';
import { UsageError } from '../../errors.js';
import { repoRoot } from '../../git/repo.js';
import { readJournal } from '../../journal/journal-file.js';
import { journalPath } from '../../journal/run-store.js';
import { resolveModel } from '../../model/resolve.js';
import { loadConfig } from '../../policy/config.js';
import type { Config } from '../../policy/config-schema.js';
import { foldJournal } from '../../runtime/fold.js';
import { resumeRun } from '../../runtime/resume.js';
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

/** `agentctl resume <run-id>`: continue a paused, interrupted or crashed run from its journal. */
export async function resumeCommand(
  runId: string,
  opts: { json?: boolean; yes?: boolean; model?: string; budget?: string },
  io: CliIO,
): Promise<number> {
  const root = await repoRoot(io.cwd);
  const journal = await readJournal(journalPath(root, runId)).catch(() => {
    throw new UsageError(`No run ${runId} in ${root}.`, 'List runs with: agentctl runs list');
  });
  const folded = foldJournal(journal.entries);
  const config: Config = folded.ctx.config ?? (await loadConfig(root));
  const surface = runSurface(io, config, opts);
  const model = await resolveModel(opts.model ?? folded.modelSpec ?? config.model, io.cwd, {
    config,
    env: io.env,
    onRetry: surface.onModelRetry,
  });
  try {
    const result = await resumeRun(io.cwd, runId, {
      model,
      ...surface.session,
      ...(opts.budget !== undefined ? { limits: parseBudget(opts.budget) } : {}),
    });
    if (result.alreadyFinished && !opts.json) surface.out(`Run ${runId} has already ended; nothing to do.`);
    // A `ci fix` run publishes when it ends, also when it ends in a resume after a crash.
    const failed =
      folded.publish !== null && result.paused !== 'interrupted'
        ? await (
            await import('./ci-fix.js')
          ).publishPlanned(result.ctx.repoRoot, runId, io, {
            note: (line) => (opts.json ? undefined : surface.out(surface.style.dim(`  ${line}`))),
            json: opts.json === true,
          })
        : null;
    const code = reportOutcome(result, opts.json === true, surface.style, io);
    return failed ?? code;
  } finally {
    surface.dispose();
  }
}
