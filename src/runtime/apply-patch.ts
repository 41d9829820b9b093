import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Effect, RunEvent } from '../core/events.js';
import type { PatchRef } from '../core/evidence.js';
import { checkConfigChanges } from '../../gates/lock-scope.js';
import { checkRunnerEnv } from '../../gates/runner-env-policy.js';
import { checkScope } from '../../gates/scope-gate.js';
import { inspectUnifiedDiff } from '../../sandbox/diff-inspect.js';
import type { RunContext, RunDeps } from './context.js';
import { resolveEdits, resolveUnifiedDiff, type ResolveResult } from './proposal-patch.js';
import { baseTree, buildTree, syncWorktree, textInTree, type TreeChange } from './worktree.js';

type ApplyEffect = Extract<Effect, { kind: 'apply_patch' }>;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns a proposal into a patch and applies it whole or not at all: the worktree is made exactly the phase's
 * starting tree, edits resolve against that tree's blobs (never the disk), then path guard, SCOPE and size; the
 * accepted changes become a new tree object, and the worktree is made exactly that tree. The tree is recorded on
 * the patch: it is what the gates judge and what COMMIT commits. Every refusal names the path and rule.
 */
export async function applyPatch(effect: ApplyEffect, ctx: RunContext, deps: RunDeps): Promise<RunEvent> {
  const { worktree, config } = ctx;
  const patchKind = effect.patchKind;
  const refuse = (rule: string, message: string, patch?: PatchRef): RunEvent =>
    patch === undefined
      ? { type: 'patch_refused', patchKind, rule, message }
      : { type: 'patch_refused', patchKind, rule, message, patch };

  const start = effect.resetTo === 'base' ? await baseTree(ctx) : effect.resetTo;
  await syncWorktree(ctx, start);
  const read = (path: string): Promise<string | null> => textInTree(ctx, start, path);

  let resolved: ResolveResult;
  if (effect.input.diff !== undefined) {
    const inspected = inspectUnifiedDiff(effect.input.diff, {
      allowBinary: config.sandbox.allowBinaryPatches,
      maxBytes: config.sandbox.maxPatchBytes,
    });
    if (!inspected.ok) return refuse(inspected.rule, inspected.message);
    const early = await deps.trust.guardPaths(worktree, inspected.paths, config.paths);
    const bad = early.find((v) => !v.ok);
    if (bad !== undefined && !bad.ok) return refuse(bad.rule, bad.message);
    resolved = await resolveUnifiedDiff(effect.input.diff, read, effect.input.summary);
  } else {
    const edits = effect.input.edits ?? [];
    const early = await deps.trust.guardPaths(
      worktree,
      edits.map((e) => e.path),
      config.paths,
    );
    const bad = early.find((v) => !v.ok);
    if (bad !== undefined && !bad.ok) return refuse(bad.rule, bad.message);
    resolved = await resolveEdits(edits, read, effect.input.summary);
  }
  if (!resolved.ok) return refuse(resolved.rule, resolved.message);
  const { changes, patch } = resolved;

  if (Buffer.byteLength(patch.diff) > config.sandbox.maxPatchBytes) {
    return refuse(
      'too_large',
      `the patch is ${Buffer.byteLength(patch.diff)} bytes; the limit is ${config.sandbox.maxPatchBytes}`,
      patch,
    );
  }
  const scope = checkScope(patchKind, patch.files, deps.classify);
  if (!scope.ok) return refuse(scope.rule, scope.message, patch);
  // Test configuration inside production files (package.json's runner keys and scripts, pyproject's pytest tables).
  const configured = checkConfigChanges(changes, { kindOf: deps.classify });
  if (!configured.ok) return refuse(configured.rule, configured.message, patch);
  const runnerEnv = patchKind !== 'test' ? checkRunnerEnv(changes) : { ok: true as const };
  if (!runnerEnv.ok) return refuse(runnerEnv.rule, runnerEnv.message, patch);

  const verdicts = await deps.trust.guardPaths(
    worktree,
    changes.map((c) => c.path),
    config.paths,
  );
  const accepted: TreeChange[] = [];
  for (const [i, verdict] of verdicts.entries()) {
    if (!verdict.ok) return refuse(verdict.rule, verdict.message, patch);
    if (accepted.some((c) => c.path === verdict.path))
      return refuse('conflict', `"${verdict.path}" appears twice in one change`, patch);
    accepted.push({ path: verdict.path, after: changes[i]!.after });
  }
  let tree: string;
  try {
    tree = await buildTree(ctx, start, accepted);
    await syncWorktree(ctx, tree, () => deps.failpoint('apply:mid'));
  } catch (error) {
    // A file system refusal on a proposed path (too long a name, ...) is the proposal's failure, not a crash.
    await syncWorktree(ctx, start);
    return refuse('io', `applying the patch failed, nothing was changed: ${errorText(error)}`, patch);
  }

  const dir = join(ctx.runDir, 'patches');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${patch.sha}.diff`), patch.diff);
  // RED reads a test patch's stated reason for changing existing tests (gates/expectation-naming.ts).
  const reason = effect.patchKind === 'test' ? effect.input.changedExpectations : undefined;
  return {
    type: 'patch_applied',
    patchKind,
    patch: { ...patch, tree, ...(reason === undefined ? {} : { reason }) },
  };
}
