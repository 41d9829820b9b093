import { UsageError } from '../errors.js';
import { repoRoot } from '../git/repo.js';
import { listRuns, type RunInfo } from '../journal/run-store.js';

/** How many runs an unknown or ambiguous id lists. */
const RECENT = 5;

/** The `n` runs whose journals changed last, newest first. */
function recent(runs: readonly RunInfo[], n = RECENT): RunInfo[] {
  return [...runs]
    .sort((a, b) => b.mtime.getTime() - a.mtime.getTime() || (a.runId < b.runId ? 1 : -1))
    .slice(0, n);
}

function listing(runs: readonly RunInfo[]): string {
  return runs.map((r) => `\n    ${r.runId}`).join('');
}

/**
 * What the user typed for a run, made a full run id: the id itself, a prefix that only one run has, or `last`
 * (the run whose journal changed most recently). Anything else is a UsageError (exit 2) listing recent runs.
 */
export async function resolveRunId(cwd: string, typed: string): Promise<string> {
  const root = await repoRoot(cwd);
  const runs = await listRuns(root);
  if (runs.length === 0)
    throw new UsageError(
      `no run ${JSON.stringify(typed)} in ${root}: this repository has no runs yet`,
      'Start one with: agentctl fix "<task>"',
    );
  if (typed === 'last') return recent(runs, 1)[0]!.runId;
  const exact = runs.find((r) => r.runId === typed);
  if (exact !== undefined) return exact.runId;
  const matches = typed === '' ? [] : runs.filter((r) => r.runId.startsWith(typed));
  if (matches.length === 1) return matches[0]!.runId;
  if (matches.length > 1)
    throw new UsageError(
      `run id ${JSON.stringify(typed)} is ambiguous; it starts ${matches.length} runs:${listing(recent(matches))}`,
      'Type more of the id.',
    );
  throw new UsageError(
    `no run ${JSON.stringify(typed)} in ${root}; recent runs:${listing(recent(runs))}`,
    'Give a run id, a unique prefix of one, or last. List them all with: agentctl runs list',
  );
}
