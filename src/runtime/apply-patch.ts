import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Effect, RunEvent } from '../core/events.js';
import type { PatchRef } from '../core/evidence.js';
import { checkRunnerEnv } from '../../gates/runner-env-policy.js';
import { checkScope } from '../../gates/scope-gate.js';
import { applyChanges } from '../../sandbox/atomic-apply.js';
import { inspectUnifiedDiff } from '../../sandbox/diff-inspect.js';
import { checkWritePaths } from '../../sandbox/path-guard.js';
import { resetToTree } from '../git/repo.js';
import type { RunContext, RunDeps } from './context.js';
import { resolveEdits, resolveUnifiedDiff, type ResolveResult } from './proposal-patch.js';

type ApplyEffect = Extract<Effect, { kind: 'apply_patch' }>;

/**
 * Turns a proposal into a patch and applies it whole or not at all: reset to the phase's starting tree,
 * resolve edits, then path guard, SCOPE and size, then the atomic write. Every refusal names the path and rule.
 */
export async function applyPatch(effect: ApplyEffect, ctx: RunContext, deps: RunDeps): Promise<RunEvent> {
  const { worktree, config } = ctx;
  const patchKind = effect.patchKind;
  const refuse = (rule: string, message: string, patch?: PatchRef): RunEvent =>
    patch === undefined
      ? { type: 'patch_refused', patchKind, rule, message }
      : { type: 'patch_refused', patchKind, rule, message, patch };

  await resetToTree(worktree, effect.resetTo === 'base' ? ctx.baseSha : effect.resetTo, ctx.depLinks);
  const read = async (path: string): Promise<string | null> => {
    const guard = await checkWritePaths(worktree, [path], { allow: ['**'], deny: [] });
    if (guard[0]?.ok !== true) return null;
    return readFile(join(worktree, path), 'utf8').catch(() => null);
  };

  let resolved: ResolveResult;
  if (effect.input.diff !== undefined) {
    const inspected = inspectUnifiedDiff(effect.input.diff, {
      allowBinary: config.sandbox.allowBinaryPatches,
      maxBytes: config.sandbox.maxPatchBytes,
    });
    if (!inspected.ok) return refuse(inspected.rule, inspected.message);
    const early = await checkWritePaths(worktree, inspected.paths, config.paths);
    const bad = early.find((v) => !v.ok);
    if (bad !== undefined && !bad.ok) return refuse(bad.rule, bad.message);
    resolved = await resolveUnifiedDiff(effect.input.diff, read, effect.input.summary);
  } else {
    const edits = effect.input.edits ?? [];
    const early = await checkWritePaths(
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
  const runnerEnv = patchKind === 'fix' ? checkRunnerEnv(changes) : { ok: true as const };
  if (!runnerEnv.ok) return refuse(runnerEnv.rule, runnerEnv.message, patch);

  const applied = await applyChanges(worktree, changes, config.paths, {
    undoDir: join(ctx.runDir, 'undo'),
    failpoint: (name) => deps.failpoint(name),
  });
  if (!applied.ok) return refuse(applied.rule, applied.message, patch);

  const dir = join(ctx.runDir, 'patches');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${patch.sha}.diff`), patch.diff);
  return { type: 'patch_applied', patchKind, patch };
}
