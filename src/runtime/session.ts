import { realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Effect } from '../core/events.js';
import type { RunState, RunStart } from '../core/state.js';
import { startRun } from '../core/transition.js';
import { commitIdentity, headCommit, repoRoot } from '../git/repo.js';
import { sha256Hex } from '../journal/hash.js';
import { worktreesRoot } from './cache-dir.js';
import { createJournal, JournalWriter } from '../journal/journal-file.js';
import { acquireRunLock, type RunLock } from '../journal/run-lock.js';
import { isRunId } from '../journal/run-id.js';
import { ensureAgentctlDir, journalPath, newRunId, runDir } from '../journal/run-store.js';
import type { Config } from '../policy/config-schema.js';
import { loadConfig } from '../policy/config.js';
import { pathClassifier } from '../policy/path-kinds.js';
import { readLayout } from '../../gates/runners/index.js';
import { treeView } from '../../gates/runners/repo-view.js';
import type { ModelProvider } from '../model/provider.js';
import type { Approver, EffectHook, ProgressSink, RunContext, RunDeps } from './context.js';
import { drive, type DriveOutcome } from './driver.js';
import { failpoint } from './failpoints.js';
import type { StepDeps } from './step.js';
import { REAL_TRUST } from './trust.js';
import {
  attachDependencies,
  baseTree,
  createWorktreeDir,
  removeWorktreeDir,
  syncWorktree,
} from './worktree.js';

/** Where a run's worktree lives: the per-user cache (see cache-dir.ts), keyed by repo and run. */
export function worktreeDir(root: string, runId: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(worktreesRoot(env), `${sha256Hex(root).slice(0, 12)}-${runId}`);
}

/**
 * The run id and start time, pinned by AGENTCTL_RUN_ID / AGENTCTL_CLOCK when set (reproducible runs for tests
 * and audits), otherwise from the clock.
 */
export function runIdentity(
  env: NodeJS.ProcessEnv = process.env,
  clock: () => Date = () => new Date(),
): { runId?: string; now: Date } {
  const pinned =
    env.AGENTCTL_CLOCK !== undefined && env.AGENTCTL_CLOCK !== '' ? new Date(env.AGENTCTL_CLOCK) : null;
  const now = pinned !== null && !Number.isNaN(pinned.getTime()) ? pinned : clock();
  const runId =
    env.AGENTCTL_RUN_ID !== undefined && isRunId(env.AGENTCTL_RUN_ID) ? env.AGENTCTL_RUN_ID : undefined;
  return runId === undefined ? { now } : { runId, now };
}

export interface SessionOptions {
  model: ModelProvider;
  /** How to rebuild the model on resume, e.g. `scripted:/abs/cassette.json`; journaled in run_started. */
  modelSpec?: string;
  approver: Approver;
  progress: ProgressSink;
  /** Puts the model's ask_user question to a person; absent, the run is unattended and ask_user is not offered. */
  askUser?: (question: string) => Promise<string>;
  stopRequested?: () => boolean;
  /** See RunDeps.effectHook: the eval's self-test only. */
  effectHook?: EffectHook;
  /**
   * What `agentctl ci fix` must publish when the run ends (push target, comment target; never a token).
   * Journaled in run_started so that `resume` of a crashed CI run publishes too.
   */
  publish?: unknown;
}

/** An open run: its context, dependencies and journal; close() releases the lock. */
export interface OpenRun {
  ctx: RunContext;
  deps: RunDeps;
  close(): Promise<void>;
}

export async function openRun(
  ctx: RunContext,
  opts: SessionOptions,
  usedWallMs = 0,
): Promise<{ run: OpenRun; entries: Awaited<ReturnType<typeof JournalWriter.open>>['entries'] }> {
  await ensureAgentctlDir(ctx.repoRoot);
  const lockDir = ctx.runDir;
  const opened = await JournalWriter.open(journalPath(ctx.repoRoot, ctx.runId));
  let lock: RunLock | null = null;
  try {
    lock = await acquireRunLock(lockDir);
  } catch (err) {
    await opened.writer.close();
    throw err;
  }
  const renew = setInterval(() => void lock?.renew().catch(() => undefined), 15_000);
  renew.unref();
  if (opened.repaired !== null)
    opts.progress.note(
      `journal: cut a torn last line (${opened.repaired.cutBytes} bytes): ${opened.repaired.reason}`,
    );
  // What counts as a test is read from the runner's configuration at the run's base commit, never from disk.
  const layout = await readLayout(ctx.config.test, await treeView(ctx.repoRoot, ctx.baseSha));
  const classifier = pathClassifier(ctx.config, layout);
  const sessionStart = performance.now();
  const deps: RunDeps = {
    model: opts.model,
    approver: opts.approver,
    askUser:
      opts.askUser ??
      (() => Promise.resolve('No human is available to answer; proceed with your best judgement.')),
    progress: opts.progress,
    journal: {
      append: async (input) => {
        const entry = await opened.writer.append(input);
        opts.progress.entry(entry);
        return entry;
      },
    },
    stopRequested: opts.stopRequested ?? (() => false),
    failpoint,
    classify: (p) => classifier.kindOf(p),
    elapsedMs: () => usedWallMs + (performance.now() - sessionStart),
    trust: REAL_TRUST,
    ...(opts.effectHook !== undefined ? { effectHook: opts.effectHook } : {}),
  };
  return {
    entries: opened.entries,
    run: {
      ctx,
      deps,
      close: async () => {
        clearInterval(renew);
        await opened.writer.close();
        await lock?.release();
      },
    },
  };
}

/** A run's journal opened under its lock for steps taken after the run stopped (`ci fix` publishing). */
export interface StepJournal {
  entries: Awaited<ReturnType<typeof JournalWriter.open>>['entries'];
  deps: StepDeps;
  close(): Promise<void>;
}

/** Opens run `runId`'s journal, locked, for {@link runStep}; every appended event also goes to `progress`. */
export async function openStepJournal(
  root: string,
  runId: string,
  progress: ProgressSink,
): Promise<StepJournal> {
  const opened = await JournalWriter.open(journalPath(root, runId));
  let lock: RunLock;
  try {
    lock = await acquireRunLock(runDir(root, runId));
  } catch (err) {
    await opened.writer.close();
    throw err;
  }
  return {
    entries: opened.entries,
    deps: {
      journal: {
        append: async (input) => {
          const entry = await opened.writer.append(input);
          progress.entry(entry);
          return entry;
        },
      },
      failpoint,
      progress,
    },
    close: async () => {
      await opened.writer.close();
      await lock.release();
    },
  };
}

/** Starts a new gated run for `task` in the repo containing `cwd`. */
export async function startFix(
  cwd: string,
  task: string,
  opts: SessionOptions & { config?: Config; runId?: string; now?: Date },
): Promise<DriveOutcome & { ctx: RunContext }> {
  const root = await realpath(await repoRoot(cwd));
  const config = opts.config ?? (await loadConfig(root));
  const baseSha = await headCommit(root);
  const pinned = runIdentity();
  const now = opts.now ?? pinned.now;
  const runId = opts.runId ?? pinned.runId ?? newRunId(now);
  await createWorktreeDir(worktreeDir(root, runId));
  // Runners print real paths; the worktree must be named the same way for paths to match.
  const worktree = await realpath(worktreeDir(root, runId));
  const ctx: RunContext = {
    runId,
    task,
    repoRoot: root,
    worktree,
    runDir: runDir(root, runId),
    baseSha,
    startedAt: now.toISOString(),
    identity: await commitIdentity(root),
    config,
    depLinks: depLinkNames(root),
    readOnlyBinds: [],
  };
  // A plain directory written from the base commit's tree: no `.git` entry, nothing git would ever read.
  await syncWorktree(ctx, await baseTree(ctx));
  await attachDependencies(ctx);
  // Without a way to reach a person (`--yes`, CI, `--json` without a terminal) the model is offered no ask_user.
  const start: RunStart = {
    runId,
    task,
    maxAttempts: config.repair.maxAttempts,
    limits: config.budgets,
    ...(opts.askUser === undefined ? { unattended: true } : {}),
  };
  const first = startRun(start);
  // The run's directory appears with its first event in it, or not at all (see createJournal).
  await ensureAgentctlDir(root);
  const started = await createJournal(journalPath(root, runId), {
    type: 'run_started',
    phase: first.state.phase,
    payload: {
      start,
      context: { ...ctx, readOnlyBinds: undefined },
      model: opts.model.name,
      modelSpec: opts.modelSpec ?? null,
      ...(opts.publish !== undefined ? { publish: opts.publish } : {}),
    },
  });
  opts.progress.entry(started);
  const { run } = await openRun(ctx, opts);
  try {
    opts.progress.transitioned(first.state, first.state, { type: 'finished' });
    const outcome = await drive(first.state, first.effects, ctx, run.deps);
    await finishJournal(run, outcome);
    // A finished run's evidence lives in its run dir; only a paused run needs its worktree to resume.
    if (outcome.paused === null) await removeWorktreeDir(worktree);
    return { ...outcome, ctx };
  } finally {
    await run.close();
  }
}

/** Dependency dirs linked into worktrees, relative names (kept by resets, excluded from snapshots). */
function depLinkNames(root: string): string[] {
  const names = ['node_modules', '.venv', 'venv', 'vendor/bundle'];
  return names.filter((n) => relative(root, join(root, n)) === n);
}

export async function finishJournal(run: OpenRun, outcome: DriveOutcome): Promise<void> {
  if (outcome.paused !== null) return;
  await run.deps.journal.append({
    type: 'run_finished',
    phase: outcome.state.phase,
    payload: { phase: outcome.state.phase, attempts: outcome.state.attempts, usage: outcome.state.usage },
  });
}

export type { Effect, RunState };
