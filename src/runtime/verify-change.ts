import type { RunEvent } from '../core/events.js';
import type { BaselineSummary, PatchRef } from '../core/evidence.js';
import { evaluateGreen } from '../../gates/green-gate.js';
import { judgeNonBehavioral } from '../../gates/non-behavioral.js';
import { InternalError } from '../errors.js';
import type { RunContext, RunDeps } from './context.js';
import { runAndRecord, type ReportMemory } from './verify.js';
import { baseTree, textInTree } from './worktree.js';

/**
 * The gates of a `propose_change`: every changed file, read from the base tree and the change's tree (never the
 * disk), must be non-behavioral with tests untouched; only then does the full suite run once, judged by the GREEN
 * gate with no new tests (the suite must stay green, no test lost or newly skipped).
 */
export async function verifyChange(
  patch: PatchRef,
  baseline: BaselineSummary,
  ctx: RunContext,
  deps: RunDeps,
  memory: ReportMemory,
): Promise<RunEvent> {
  const tree = patch.tree;
  if (tree === undefined)
    throw new InternalError(
      `change ${patch.sha.slice(0, 12)} carries no tree; it was not applied by this runtime`,
    );
  const base = await baseTree(ctx);
  const files = await Promise.all(
    patch.files.map(async (path) => ({
      path,
      before: await textInTree(ctx, base, path),
      after: await textInTree(ctx, tree, path),
    })),
  );
  const change = judgeNonBehavioral(files, deps.classify);
  await deps.journal.append({
    type: 'gate_verdict',
    phase: 'VERIFY_CHANGE',
    payload: { gate: 'NON_BEHAVIORAL', verdict: change, inputs: { files: patch.files, base, tree } },
  });
  if (!change.ok) return { type: 'change_checked', change, green: null };
  const full = await runAndRecord(ctx, deps, [], 'VERIFY_CHANGE:full', memory, tree);
  const green = evaluateGreen({
    baseline,
    newTestIds: [],
    lockedChanged: [],
    targeted: full.report,
    full: full.report,
    reportSha: full.sha,
  });
  await deps.journal.append({
    type: 'gate_verdict',
    phase: 'VERIFY_CHANGE',
    payload: {
      gate: 'GREEN',
      verdict: green,
      inputs: { newTestIds: [], lockedChanged: [], targetedSha: full.sha, fullSha: full.sha },
    },
  });
  return { type: 'change_checked', change, green };
}
