import { allowCommands, interruptCommands } from '../../sandbox/exec.js';
import type { CliIO } from './io.js';

/** What a command's Ctrl-C handling needs to say: whether the work is a resumable run, and its id once known. */
export interface InterruptOptions {
  resumable: boolean;
  runId?: () => string | null;
}

/**
 * Ctrl-C: the first kills the running test processes at once (a run then stops at a checkpoint, exit 130), the
 * second leaves without waiting for cleanup. dispose() removes the handler and lets commands run again.
 */
export function interruptHandler(
  io: CliIO,
  opts: InterruptOptions,
): { stopRequested: () => boolean; dispose: () => void } {
  let stops = 0;
  const remove = io.onInterrupt(() => {
    stops += 1;
    const id = opts.runId?.() ?? null;
    if (stops === 1) {
      const killed = interruptCommands();
      const what =
        killed > 0 ? 'killed the running tests' : 'no more tests will start; finishing the current step';
      const then = opts.resumable ? '; saving a checkpoint' : '';
      io.stderr.write(`\nagentctl: stopping: ${what}${then} (Ctrl-C again to quit at once)\n`);
      return;
    }
    const resume = !opts.resumable
      ? ''
      : id === null
        ? '; the run can still be resumed (agentctl runs list)'
        : `; the run can still be resumed: agentctl resume ${id}`;
    io.stderr.write(`\nagentctl: stopping now without waiting for cleanup${resume}\n`);
    io.exitNow?.(130);
  });
  return {
    stopRequested: () => stops > 0,
    dispose: () => {
      // Once stopping, the command is on its way out: a further Ctrl-C while it unwinds still means "quit now"
      // (the handler above), never node's default (death by signal, no exit code).
      if (stops === 0) remove();
      allowCommands();
    },
  };
}
