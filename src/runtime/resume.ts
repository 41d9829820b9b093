import { access, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { BudgetLimits } from '../core/budget.js';
import type { Effect } from '../core/events.js';
import type { RunState } from '../core/state.js';
import { transition } from '../core/transition.js';
import { applyChanges } from '../../sandbox/atomic-apply.js';
import { linkDependencies } from '../../sandbox/deps-link.js';
import { InternalError, UsageError } from '../errors.js';
import { ensureWorktree, removeWorktree, repoRoot, resetToTree } from '../git/repo.js';
import { readJournal } from '../journal/journal-file.js';
import { journalPath } from '../journal/run-store.js';
import type { ModelProvider, ModelResponse } from '../model/provider.js';
import type { RunContext } from './context.js';
import { drive, type DriveOutcome } from './driver.js';
import { foldJournal } from './fold.js';
import { resolveUnifiedDiff } from './proposal-patch.js';
import { finishJournal, openRun, worktreeDir, type SessionOptions } from './session.js';

/** Answers the first calls from responses already bought before a crash, then asks the real provider. */
function replayingProvider(inner: ModelProvider, bought: ModelResponse[]): ModelProvider {
  const queue = [...bought];
  return {
    name: inner.name,
    next: (request) =>
      queue.length > 0 ? Promise.resolve({ ...queue.shift()!, replayed: true }) : inner.next(request),
  };
}

/** Puts the worktree back to what the state says it holds: base, plus the accepted test and fix diffs. */
async function materialize(state: RunState, ctx: RunContext): Promise<void> {
  await resetToTree(ctx.worktree, ctx.baseSha, ctx.depLinks);
  const diffs: string[] = [];
  if ('testPatch' in state) diffs.push(state.testPatch.diff);
  if ('fixPatch' in state) diffs.push(state.fixPatch.diff);
  for (const diff of diffs) {
    const read = (path: string) => readFile(join(ctx.worktree, path), 'utf8').catch(() => null);
    const resolved = await resolveUnifiedDiff(diff, read, 'resume');
    if (!resolved.ok) throw new InternalError(`cannot rebuild the worktree: ${resolved.message}`);
    const applied = await applyChanges(ctx.worktree, resolved.changes, ctx.config.paths, {
      undoDir: join(ctx.runDir, 'undo'),
    });
    if (!applied.ok) throw new InternalError(`cannot rebuild the worktree: ${applied.message}`);
  }
}

export interface ResumeOptions extends SessionOptions {
  /** New limits for a BUDGET_EXHAUSTED run (merged over the old ones). */
  limits?: Partial<BudgetLimits>;
}

/**
 * Continues a run from its journal: verifies the chain (on open), folds it through the pure machine, reconciles
 * an open intent by redoing it idempotently (patches reapply from a reset tree, commits are found by their op
 * key or rebuilt to the same SHA), and drives on. Nothing already done is done twice.
 */
export async function resumeRun(
  cwd: string,
  runId: string,
  opts: ResumeOptions,
): Promise<DriveOutcome & { ctx: RunContext; alreadyFinished: boolean }> {
  const root = await realpath(await repoRoot(cwd));
  const file = journalPath(root, runId);
  if (
    !(await access(file).then(
      () => true,
      () => false,
    ))
  ) {
    throw new UsageError(`No run ${runId} in ${root}.`, 'List runs with: agentctl runs list');
  }
  const folded = foldJournal((await readJournal(file)).entries);
  const saved = folded.ctx;
  await ensureWorktree(root, worktreeDir(root, runId), saved.baseSha);
  const worktree = await realpath(worktreeDir(root, runId));
  const ctx: RunContext = {
    ...saved,
    repoRoot: root,
    worktree,
    readOnlyBinds: await linkDependencies(root, worktree),
  };

  const { run, entries } = await openRun(ctx, opts, true, folded.state.usage.wallMs);
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
      pending = [
        {
          kind: 'request_review',
          patch: state.fixPatch,
          testPatch: state.testPatch,
          red: state.red,
          green: state.green,
        } satisfies Effect,
      ];
    }
    if (pending.length === 0) {
      return { state, paused: null, ctx, alreadyFinished: true };
    }
    await materialize(state, ctx);
    opts.progress.note(
      `resuming run ${runId} in ${state.phase}${again.openIntent ? ` (redoing ${again.openIntent.effect.kind})` : ''}`,
    );
    const outcome = await drive(state, pending, ctx, run.deps);
    await finishJournal(run, outcome);
    if (outcome.paused === null) await removeWorktree(root, worktree);
    return { ...outcome, ctx, alreadyFinished: false };
  } finally {
    await run.close();
  }
}
