import type { Effect, RunEvent } from '../core/events.js';
import type { RunState } from '../core/state.js';
import { InternalError } from '../errors.js';
import { applyPatch } from './apply-patch.js';
import { askModel } from './ask-model.js';
import { commitRun } from './commit.js';
import type { RunContext, RunDeps } from './context.js';
import { saveEvidence } from './evidence-bundle.js';
import { recountHunks } from './proposal-patch.js';
import { baselineFailure, summarizeBaseline } from './reports.js';
import { baseTree } from './worktree.js';
import { verifyChange } from './verify-change.js';
import { lockTests, runAndRecord, verifyGreen, verifyRed, type ReportMemory } from './verify.js';

/** Performs one effect and reports what happened as an event; expected failures are events, not exceptions. */
export async function executeEffect(
  effect: Effect,
  state: RunState,
  ctx: RunContext,
  deps: RunDeps,
  opKey: string,
  memory: ReportMemory,
): Promise<RunEvent> {
  switch (effect.kind) {
    case 'run_baseline': {
      const base = await baseTree(ctx);
      const { report, sha } = await runAndRecord(ctx, deps, [], 'ORIENT:baseline', memory, base);
      // No baseline without tests: a run that proves nothing stops here, saying why in the runner's words.
      const failure = baselineFailure(report);
      if (failure !== undefined) return { type: 'baseline_failed', message: failure };
      return { type: 'baseline_ran', baseline: summarizeBaseline(report, sha) };
    }
    case 'ask_model':
      return askModel(effect.phase, effect.feedback, state, ctx, deps, () => memory.last);
    case 'apply_patch':
      return applyPatch(effect, ctx, deps);
    case 'verify_red':
      return verifyRed(effect.patch, requireBaseline(state), ctx, deps, memory);
    case 'lock_tests':
      return lockTests(state.phase === 'LOCK' ? state.red.newTestIds : [], effect.patch, ctx, deps);
    case 'verify_green':
      return verifyGreen(
        effect.lock,
        effect.newTestIds,
        effect.fix,
        requireBaseline(state),
        ctx,
        deps,
        memory,
      );
    case 'verify_change':
      return verifyChange(effect.patch, requireBaseline(state), ctx, deps, memory);
    case 'request_review': {
      await deps.failpoint('approval:waiting');
      const decision = await deps.approver.review({
        runId: ctx.runId,
        task: ctx.task,
        patch: effect.patch,
        ...('change' in effect
          ? { change: effect.change }
          : { testPatch: effect.testPatch, red: effect.red }),
        green: effect.green,
        ...(effect.notice !== undefined ? { notice: effect.notice } : {}),
      });
      // A hand-edited diff rarely keeps its hunk counts right; they are recounted, as `git apply --recount` does.
      const diff =
        decision.decision === 'edit' && decision.diff !== undefined ? recountHunks(decision.diff) : undefined;
      await deps.journal.append({
        type: 'approval_decided',
        phase: state.phase,
        payload: { ...decision, ...(diff !== undefined ? { diff } : {}), patchSha: effect.patch.sha },
      });
      return {
        type: 'review_decided',
        decision: decision.decision,
        patchSha: effect.patch.sha,
        by: decision.by,
        ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
        ...(diff !== undefined ? { diff } : {}),
      };
    }
    case 'ask_user':
      return { type: 'user_answered', answer: await deps.askUser(effect.question) };
    case 'commit':
      return commitRun(effect, ctx, deps, opKey);
    case 'finish':
      await saveEvidence(state, ctx);
      return { type: 'finished' };
    case 'publish_push':
    case 'publish_pull':
    case 'publish_comment':
      // The machine never asks for these: `ci fix` runs them through runStep once the run stopped (src/ci/publish.ts).
      throw new InternalError(`${effect.kind} is a publishing step; it runs after the run, not inside it`);
    default: {
      const never: never = effect;
      return never;
    }
  }
}

function requireBaseline(state: RunState) {
  if (state.baseline === null) throw new InternalError('no baseline test run before verification');
  return state.baseline;
}
