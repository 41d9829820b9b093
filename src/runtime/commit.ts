import type { RedVerdict } from '../core/evidence.js';
import type { Effect, RunEvent } from '../core/events.js';
import { GitError, InternalError } from '../errors.js';
import { casUpdateRef, commitTree, findCommitByOp, resolveRef } from '../git/repo.js';
import type { RunContext, RunDeps } from './context.js';
import { gitDirFor } from './worktree.js';

type CommitEffect = Extract<Effect, { kind: 'commit' }>;

/** Longest value of one `Agentctl-Changed-Expectation` trailer, so a long assertion cannot flood the message. */
const MAX_TRAILER = 300;

/** One trailer per existing test the test patch rewrote: `<test id>: <old> -> <new>`, on one bounded line. */
export function expectationTrailers(red: RedVerdict): string[] {
  const side = (lines: readonly string[]) => (lines.length === 0 ? '(nothing)' : lines.join(' ; '));
  return (red.changedExpectations ?? []).map((c) => {
    // eslint-disable-next-line no-control-regex
    const value = `${c.id}: ${side(c.old)} -> ${side(c.new)}`.replace(/[\u0000-\u001f\u007f]/g, ' ');
    const bounded = value.length > MAX_TRAILER ? `${value.slice(0, MAX_TRAILER - 1)}…` : value;
    return `Agentctl-Changed-Expectation: ${bounded}`;
  });
}

export function branchFor(runId: string): string {
  return `agentctl/${runId}`;
}

function firstLine(text: string, max = 72): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The commit message: what and why, then trailers that record the evidence and the op key. */
export function commitMessage(effect: CommitEffect, ctx: RunContext, opKey: string): string {
  const head = [`agentctl: ${firstLine(ctx.task, 62)}`, ''];
  const run = [`Agentctl-Run: ${ctx.runId}`, `Agentctl-Op: ${opKey}`];
  if ('changePatch' in effect) {
    // No RED was required: the trailers say so, and which rule let the change through.
    return [
      ...head,
      effect.changePatch.summary,
      '',
      ...run,
      `Agentctl-Change-Patch: ${effect.changePatch.sha}`,
      `Agentctl-Change: non-behavioral (${effect.change.files.map((f) => `${f.path}: ${f.reason}`).join('; ')})`,
      'Agentctl-Red: not required (non-behavioral change)',
      `Agentctl-Green: report ${effect.green.reportSha}`,
      `Agentctl-Approved-By: ${effect.approvedBy}`,
    ].join('\n');
  }
  return [
    ...head,
    effect.fixPatch.summary,
    '',
    `Test: ${effect.testPatch.summary}`,
    '',
    ...run,
    `Agentctl-Test-Patch: ${effect.testPatch.sha}`,
    `Agentctl-Fix-Patch: ${effect.fixPatch.sha}`,
    `Agentctl-Red: ${effect.red.newTestIds.join(', ')} (report ${effect.red.reportSha})`,
    ...expectationTrailers(effect.red),
    `Agentctl-Green: report ${effect.green.reportSha}`,
    `Agentctl-Approved-By: ${effect.approvedBy}`,
  ].join('\n');
}

/**
 * Commits test + fix (or a non-behavioral change) on `agentctl/<run-id>`, idempotently: a commit already carrying this op key is reused; the
 * commit's tree is exactly the tree GREEN ran on (built from the accepted proposals, never read from disk); dates
 * come from the journal so a redone commit has the same SHA; the branch moves by compare-and-swap.
 */
export async function commitRun(
  effect: CommitEffect,
  ctx: RunContext,
  deps: RunDeps,
  opKey: string,
): Promise<RunEvent> {
  const branch = branchFor(ctx.runId);
  const ref = `refs/heads/${branch}`;
  const existing = await findCommitByOp(ctx.repoRoot, ref, opKey);
  if (existing !== null) return { type: 'committed', sha: existing, branch };

  const committed = 'changePatch' in effect ? effect.changePatch : effect.fixPatch;
  const tested = committed.tree;
  if (tested === undefined)
    throw new InternalError(
      `the patch ${committed.sha.slice(0, 12)} carries no tree; it cannot be committed`,
    );
  const sha = await commitTree(await gitDirFor(ctx.repoRoot), {
    tree: await deps.trust.treeToCommit(ctx, tested),
    parent: ctx.baseSha,
    message: commitMessage(effect, ctx, opKey),
    date: ctx.startedAt,
    identity: ctx.identity,
  });
  await deps.failpoint('commit:before_ref');
  const current = await resolveRef(ctx.repoRoot, ref);
  if (current === sha) return { type: 'committed', sha, branch };
  const moved = await casUpdateRef(ctx.repoRoot, ref, sha, current);
  if (moved.ok) return { type: 'committed', sha, branch };
  if (moved.reason === 'moved')
    throw new GitError(
      `branch ${branch} moved while agentctl was committing to it (now ${moved.actual?.slice(0, 12) ?? 'deleted'})`,
      'Inspect the branch; agentctl never force-moves it.',
    );
  throw new GitError(
    `cannot move branch ${branch} to ${sha.slice(0, 12)}: ${moved.message}`,
    `The branch did not move; fix what git reports, then agentctl resume ${ctx.runId}.`,
  );
}
