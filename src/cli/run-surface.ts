import type { Config } from '../policy/config-schema.js';
import { policyApprover } from '../policy/approval.js';
import type { RetryNotice } from '../model/retry.js';
import type { Approver, ProgressSink, ReviewDecision } from '../runtime/context.js';
import { interruptHandler } from './interrupts.js';
import { liveLine } from './live-line.js';
import { allowInteractiveRendering, type CliIO } from './io.js';
import { humanProgress, jsonProgress } from './progress.js';
import { colorEnabled, makeStyle, type Style } from './style.js';

/** How a command run shows progress, asks for approval and hears Ctrl-C. */
export interface RunSurface {
  approver: Approver;
  progress: ProgressSink;
  style: Style;
  out: (line: string) => void;
  stopRequested: () => boolean;
  /** The three a run session takes from the surface, to spread into startFix / resumeRun options. */
  session: { approver: Approver; progress: ProgressSink; stopRequested: () => boolean };
  /** Tells the user that a model call is being retried (passed to resolveModel as onRetry). */
  onModelRetry: (n: RetryNotice) => void;
  /** Removes the spinner, before the outcome is printed. */
  idle: () => void;
  dispose: () => void;
}

const noHuman: Approver = {
  review: (): Promise<ReviewDecision> =>
    Promise.resolve({
      decision: 'quit',
      by: 'nobody',
      reason: 'no terminal to ask; pass --yes to approve GREEN patches by policy',
    }),
};

/** The ink review screen, loaded only when a person is actually asked (ink is slow to import). */
function reviewScreen(io: CliIO): Approver {
  return {
    async review(request) {
      allowInteractiveRendering(io);
      const [{ inkApprover }, { colorAllowed }] = await Promise.all([
        import('./ink-approver.js'),
        import('../ui/theme.js'),
      ]);
      return inkApprover({
        stdin: io.stdin,
        stdout: io.stdout,
        who: io.env.USER ?? 'user',
        color: colorAllowed(io.env),
      }).review(request);
    },
  };
}

/**
 * `--yes` or `approval.mode: auto` approves GREEN patches by policy; a terminal asks the person; anything else
 * never waits for a key (the run pauses at REVIEW). Ctrl-C kills the running tests and stops at a checkpoint.
 */
export function runSurface(
  io: CliIO,
  config: Config,
  opts: { json?: boolean; yes?: boolean; approvedBy?: string },
): RunSurface {
  const style = makeStyle(!opts.json && colorEnabled(io.stdout));
  // A spinner only where a person watches a terminal; logs and pipes get plain lines.
  const live =
    !opts.json && io.stdout.isTTY === true
      ? liveLine(io.stdout, (frame, text, time) => `  ${style.cyan(frame)} ${text} ${style.dim(time)}`)
      : null;
  const out = (line: string) => (live === null ? void io.stdout.write(`${line}\n`) : live.print(line));
  const interactive = io.stdin.isTTY === true && io.stdout.isTTY === true && !opts.json;
  const approver =
    opts.yes === true || config.approval.mode === 'auto'
      ? policyApprover(
          config.approval.maxAutoApproveLines,
          opts.approvedBy ?? (opts.yes ? 'policy (--yes)' : 'policy'),
        )
      : interactive
        ? reviewScreen(io)
        : noHuman;
  const shown = opts.json ? jsonProgress(out) : humanProgress(out, style, false, live);
  let runId: string | null = null;
  const progress: ProgressSink = {
    ...shown,
    entry: (entry) => {
      if (entry.type === 'run_started') runId = (entry.payload as { start: { runId: string } }).start.runId;
      shown.entry(entry);
    },
  };
  const { stopRequested, dispose } = interruptHandler(io, { resumable: true, runId: () => runId });
  const idle = () => live?.stop();
  return {
    approver,
    progress,
    style,
    out,
    stopRequested,
    session: { approver, progress, stopRequested },
    onModelRetry: (n) =>
      out(
        style.yellow(
          `  model: ${n.reason}; retry ${n.retry}/${n.maxRetries} in ${Math.ceil(n.delayMs / 1000)} s`,
        ),
      ),
    idle,
    dispose: () => {
      idle();
      dispose();
    },
  };
}
