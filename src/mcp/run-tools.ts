import { access } from 'node:fs/promises';
import type { z } from 'zod';
import { AgentctlError, ExitCode } from '../errors.js';
import { journalPath, runDir } from '../journal/run-store.js';
import { progressReporter, type ServerContext, type ToolExtra } from './call-context.js';
import { childRunId, describeEvent, spawnFix, type ChildExit, type ChildRun } from './child-run.js';
import { patchCassette, writeCassette, type PatchProposals } from './patch-cassette.js';
import { runView } from './run-view.js';
import type {
  GatedApplyInput,
  GatedApplyOutput,
  StartFixInput,
  VerifyRedInput,
  VerifyRedOutput,
} from './schemas.js';

/** How long start_fix waits for the run's journal to appear before answering. */
const START_WAIT_MS = 20_000;

async function journalExists(root: string, runId: string): Promise<boolean> {
  return access(journalPath(root, runId)).then(
    () => true,
    () => false,
  );
}

/** A run that ended before its journal began: the child's own words say why (no config, a bad model spec…). */
function notStarted(exit: ChildExit): AgentctlError {
  const said = exit.stderr.replace(/^agentctl: /gm, '').trim();
  return new AgentctlError(
    'E_RUN_NOT_STARTED',
    `the run did not start (agentctl fix exited ${exit.code ?? 'by a signal'}): ${said || 'no message'}`,
    ExitCode.usage,
  );
}

/** Tracks a child run in the server's table and interrupts it if the client cancels the request. */
function track(ctx: ServerContext, child: ChildRun, extra?: ToolExtra): void {
  ctx.runs.set(child.runId, child);
  if (extra === undefined) return;
  const cancel = () => child.interrupt();
  extra.signal.addEventListener('abort', cancel, { once: true });
  void child.done.then(() => extra.signal.removeEventListener('abort', cancel));
}

/**
 * Drives one unattended `agentctl fix` run whose model is the caller's patches (a scripted proposer), one
 * attempt only: a refused patch ends the run with its verdict instead of asking for another.
 */
async function patchRun(ctx: ServerContext, task: string, proposals: PatchProposals, extra: ToolExtra) {
  const runId = childRunId();
  const cassette = await writeCassette(ctx.root, runId, patchCassette(`mcp-${runId}`, proposals));
  const progress = progressReporter(extra);
  const child = spawnFix({
    cwd: ctx.cwd,
    env: ctx.env,
    runId,
    args: ['--yes', '--max-attempts', '1', '--model', `scripted:${cassette}`, '--', task],
    onEvent: (e) => progress(describeEvent(e)),
  });
  track(ctx, child, extra);
  ctx.log(`run ${runId} started (${task})`);
  const exit = await child.done;
  if (!(await journalExists(ctx.root, runId))) throw notStarted(exit);
  return { runId, exit, view: await runView(ctx.root, runId, false) };
}

/** verify_red: the test patch judged at RED on HEAD, by the same gate a run uses; the run then stops. */
export async function verifyRed(
  ctx: ServerContext,
  args: z.infer<typeof VerifyRedInput>,
  extra: ToolExtra,
): Promise<VerifyRedOutput> {
  const { runId, view } = await patchRun(ctx, `verify_red: ${args.test.summary}`, { test: args.test }, extra);
  const red = view.verdicts.findLast((v) => v.gate === 'RED');
  const refusal = view.refusals.findLast((r) => r.patchKind === 'test') ?? null;
  const verdict = red?.gate === 'RED' ? red.verdict : null;
  const message =
    verdict?.message ?? refusal?.message ?? `the run ended before RED: ${view.reason ?? view.phase}`;
  return { runId, accepted: verdict?.ok === true, message, red: verdict, refusal, runDir: view.runDir };
}

/** gated_apply: RED for the test, GREEN for the fix, commit on agentctl/<run-id>; the run's outcome. */
export async function gatedApply(
  ctx: ServerContext,
  args: z.infer<typeof GatedApplyInput>,
  extra: ToolExtra,
): Promise<GatedApplyOutput> {
  const task = args.task ?? args.fix.summary;
  const { exit, view } = await patchRun(ctx, task, { test: args.test, fix: args.fix }, extra);
  return { ...view, committed: view.phase === 'DONE', exitCode: exit.code };
}

/**
 * start_fix: a full `agentctl fix --yes` run with agentctl's own model, in a child process; answers with the run
 * id once the run's journal exists, so get_run can follow it.
 */
export async function startFix(
  ctx: ServerContext,
  args: z.infer<typeof StartFixInput>,
): Promise<{ runId: string; runDir: string }> {
  const runId = childRunId();
  const child = spawnFix({
    cwd: ctx.cwd,
    env: ctx.env,
    runId,
    args: [
      '--yes',
      ...(args.model !== undefined ? ['--model', args.model] : []),
      ...(args.maxAttempts !== undefined ? ['--max-attempts', String(args.maxAttempts)] : []),
      '--',
      args.task,
    ],
  });
  track(ctx, child);
  void child.done.then((exit) => ctx.log(`run ${runId} ended (exit ${exit.code ?? 'by a signal'})`));
  const deadline = Date.now() + START_WAIT_MS;
  while (!(await journalExists(ctx.root, runId))) {
    if (child.exit !== null) throw notStarted(child.exit);
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  ctx.log(`run ${runId} started (${args.task.split('\n')[0]})`);
  return { runId, runDir: runDir(ctx.root, runId) };
}
