import type { Effect, RunEvent } from '../core/events.js';
import type { RunState } from '../core/state.js';
import type { JournalEntry } from '../journal/entry.js';
import type { ProgressSink } from '../runtime/context.js';
import type { Style } from './style.js';

const EFFECT_LABEL: Record<Effect['kind'], string> = {
  run_baseline: 'running the full suite to record the baseline',
  ask_model: 'asking the model',
  apply_patch: 'validating and applying the proposal in the worktree',
  verify_red: 'running the new tests on unchanged production code (RED gate)',
  lock_tests: 'locking tests and test configuration by hash',
  verify_green: 'running the new tests, then the full suite (GREEN gate)',
  request_review: 'waiting for review of the GREEN patch',
  ask_user: 'the model asks the user a question',
  commit: 'committing on the run branch',
  finish: 'saving the evidence',
};

/** Continuation lines (a runner's output quoted in a verdict) indented under their first line. */
function indented(text: string, by = '    '): string {
  return text.replace(/\n/g, `\n${by}`);
}

/** Human progress: one line per phase change, gate verdict and failed attempt. */
export function humanProgress(write: (line: string) => void, style: Style, verbose = false): ProgressSink {
  return {
    entry: () => undefined,
    effectStarted: (effect) => {
      if (verbose || effect.kind !== 'finish') write(style.dim(`  … ${EFFECT_LABEL[effect.kind]}`));
    },
    transitioned: (from: RunState, to: RunState, event: RunEvent) => {
      if (event.type === 'red_checked') {
        write(
          event.verdict.ok
            ? style.green(`  ✓ ${event.verdict.message}`)
            : style.red(`  ✗ RED refused: ${indented(event.verdict.message)}`),
        );
      }
      if (event.type === 'green_checked') {
        write(
          event.verdict.ok
            ? style.green(`  ✓ ${event.verdict.message}`)
            : style.red(`  ✗ GREEN failed: ${indented(event.verdict.message)}`),
        );
      }
      if (event.type === 'patch_applied')
        write(
          `  ✓ ${event.patchKind} patch ${event.patch.sha.slice(0, 12)} applied: ${event.patch.files.join(', ')}`,
        );
      if (to.attempts > from.attempts) {
        const last = to.history[to.history.length - 1];
        if (last !== undefined)
          write(
            style.yellow(
              `  ✗ attempt ${last.n}/${to.maxAttempts} failed (${last.kind}): ${indented(last.reason)}`,
            ),
          );
      }
      if (event.type === 'review_decided')
        write(`  review: ${event.decision} by ${event.by}${event.reason ? ` (${event.reason})` : ''}`);
      if (to.phase !== from.phase || to.step === 0) write(style.bold(style.cyan(`▸ ${to.phase}`)));
    },
    note: (message) => write(style.dim(`  ${indented(message)}`)),
  };
}

/** `--json`: every journal event as one JSON line, as it is made durable. */
export function jsonProgress(write: (line: string) => void): ProgressSink {
  return {
    entry: (entry: JournalEntry) => write(JSON.stringify(entry)),
    effectStarted: () => undefined,
    transitioned: () => undefined,
    note: () => undefined,
  };
}
