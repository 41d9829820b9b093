import { mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EFFECTS } from '../core/events.js';
import type { BudgetLimits } from '../core/budget.js';
import type { Effect } from '../core/events.js';
import type { RunState } from '../core/state.js';
import { transition } from '../core/transition.js';
import { repoRoot } from '../git/repo.js';
import { readJournal } from '../journal/journal-file.js';
import { requireJournal } from '../journal/run-store.js';
import type { ModelProvider, ModelResponse } from '../model/provider.js';
import type { RunContext } from './context.js';
import { drive, type DriveOutcome } from './driver.js';
import { foldJournal, type FoldedRun } from './fold.js';
import { finishJournal, openRun, worktreeDir, type SessionOptions } from './session.js';
import { attachDependencies, removeWorktreeDir, stateTree, syncWorktree } from './worktree.js';

/** Answers the first calls from responses already bought before a crash, then asks the real provider. */
function replayingProvider(inner: ModelProvider, bought: ModelResponse[]): ModelProvider {
  const queue = [...bought];
  return {
    name: inner.name,
    next: (request) =>
      queue.length > 0 ? Promise.resolve({ ...queue.shift()!, replayed: true }) : inner.next(request),
  };
}

/**
 * Puts the worktree back to the tree the state says it holds (the journaled tree of the last accepted patch, or
 * the base commit's), whatever a crash left there, then links dependencies in again.
 */
async function materialize(state: RunState, ctx: RunContext): Promise<void> {
  await syncWorktree(ctx, await stateTree(state, ctx));
  await attachDependencies(ctx);
}

export interface ResumeOptions extends SessionOptions {
  /** New limits for a BUDGET_EXHAUSTED run (merged over the old ones). */
  limits?: Partial<BudgetLimits>;
}

/**
 * True when resuming has nothing to do: the run journaled run_finished. A BUDGET_EXHAUSTED run given new limits
 * is the one finished run that goes on.
 */
export function alreadyEnded(folded: FoldedRun, limits: Partial<BudgetLimits> | undefined): boolean {
  return folded.finished && !(folded.state.phase === 'BUDGET_EXHAUSTED' && limits !== undefined);
}

/**
 * Continues a run from its journal: refuses an unknown id and a corrupt journal, leaves a finished run untouched
 * (`alreadyFinished`), verifies the chain (on open), folds it through the pure machine, reconciles
 * an open intent by redoing it idempotently (patches reapply from a reset tree, commits are found by their op
 * key or rebuilt to the same SHA), and drives on. Nothing already done is done twice.
 */
export async function resumeRun(
  cwd: string,
  runId: string,
  opts: ResumeOptions,
): Promise<DriveOutcome & { ctx: RunContext; alreadyFinished: boolean }> {
  const root = await realpath(await repoRoot(cwd));
  const file = await requireJournal(root, runId);
  const folded = foldJournal((await readJournal(file)).entries);
  if (alreadyEnded(folded, opts.limits)) {
    // A finished run stays exactly as it is: no event appended, no worktree made.
    const ctx = { ...folded.ctx, repoRoot: root, worktree: worktreeDir(root, runId), readOnlyBinds: [] };
    return { state: folded.state, paused: null, ctx, alreadyFinished: true };
  }
  const saved = folded.ctx;
  // Named by its real path (runners print real paths); the directory itself appears only when there is work.
  const dir = worktreeDir(root, runId);
  await mkdir(dirname(dir), { recursive: true });
  const worktree = join(await realpath(dirname(dir)), basename(dir));
  const ctx: RunContext = { ...saved, repoRoot: root, worktree, readOnlyBinds: [] };

  const { run, entries } = await openRun(ctx, opts, folded.state.usage.wallMs);
  try {
    const again = foldJournal(entries);
    let { state, pending } = again;
    const openAsk = again.openIntent?.effect.kind === 'ask_model' ? again.openIntent.firstSeq : null;
    const bought =
      openAsk === null ? [] : again.modelTurns.filter((t) => t.seq > openAsk).map((t) => t.response);
    if (opts.model.restore !== undefined)
      opts.model.restore(again.modelTurns.map(({ request, response }) => ({ request, response })));
    else opts.model.seek?.(again.modelTurns.length);
    run.deps.model = replayingProvider(opts.model, bought);

    await run.deps.journal.append({
      type: 'run_resumed',
      phase: state.phase,
      payload: { pid: process.pid, openIntent: again.openIntent, replayedModelTurns: bought.length },
    });
    if (state.phase === 'BUDGET_EXHAUSTED' && opts.limits !== undefined) {
      const event = { type: 'budget_extended' as const, limits: { ...state.limits, ...opts.limits } };
      await run.deps.journal.append({ type: 'external_event', phase: state.phase, payload: { event } });
      const next = transition(state, event);
      state = next.state;
      pending = next.effects;
    }
    if (state.phase === 'REVIEW' && pending.length === 0) {
      const evidence =
        'changePatch' in state
          ? { patch: state.changePatch, change: state.change }
          : { patch: state.fixPatch, testPatch: state.testPatch, red: state.red };
      pending = [{ kind: 'request_review', ...evidence, green: state.green } satisfies Effect];
    }
    if (pending.length === 0) {
      return { state, paused: null, ctx, alreadyFinished: true };
    }
    await materialize(state, ctx);
    opts.progress.note(
      `resuming run ${runId} in ${state.phase}${again.openIntent ? ` (${EFFECTS[again.openIntent.effect.kind].onResume === 'redo' ? 'redoing' : 'reconciling'} ${again.openIntent.effect.kind})` : ''}`,
    );
    const outcome = await drive(state, pending, ctx, run.deps);
    await finishJournal(run, outcome);
    if (outcome.paused === null) await removeWorktreeDir(worktree);
    return { ...outcome, ctx, alreadyFinished: false };
  } finally {
    await run.close();
  }
}
