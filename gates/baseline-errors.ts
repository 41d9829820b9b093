import type { BaselineError } from '../src/core/evidence.js';
import type { CollectionError, RunProblem } from '../src/core/report.js';

// Absolute paths (worktrees differ between runs and between `ci check`'s scratch copies) and numbers (pids,
// timings, line numbers of the runner's own code) vary between two runs of the same broken environment.
const ABSOLUTE_PATH = /(?:file:\/\/)?(?<![\w.])\/[^\s'"`()<>,;]+/g;
const NUMBER = /\d+/g;

/**
 * What makes two errors "the same error" across runs: file, class and the first line of the message with
 * absolute paths and numbers masked.
 */
export function errorSignature(e: Pick<CollectionError, 'file' | 'class' | 'message'>): string {
  const first = e.message.split('\n').find((l) => l.trim() !== '') ?? '';
  const masked = first.replace(ABSOLUTE_PATH, (p) => `…/${p.split('/').at(-1) ?? ''}`).replace(NUMBER, '#');
  return `${e.file}\u0000${e.class}\u0000${masked.trim()}`;
}

/**
 * The collection errors of a run the baseline did not already have: an error the environment produced before
 * any change (a cache dir the runner cannot write, a file that never loaded) is never charged to a proposal.
 * Callers judge a report problem (RunProblem) before this: such a run proves nothing, whatever the baseline had.
 */
export function newErrors(
  errors: readonly CollectionError[],
  baseline: readonly BaselineError[] | undefined,
): CollectionError[] {
  const before = new Set((baseline ?? []).map(errorSignature));
  return errors.filter((e) => !before.has(errorSignature(e)));
}

/** The problem of a run as text for a verdict: what went wrong, the command, and the runner's last words. */
export function problemText(problem: RunProblem): string {
  const tail = problem.outputTail.trim();
  return tail === ''
    ? `${problem.message} (it printed nothing)`
    : `${problem.message}; its output ends with:\n${tail}`;
}
