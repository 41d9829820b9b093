import type { Effect, RunEvent } from '../core/events.js';
import type { RunState } from '../core/state.js';
import type { JournalEntry } from '../journal/entry.js';
import type { ProgressSink } from '../runtime/context.js';
import type { LiveLine } from './live-line.js';
import type { Style } from './style.js';

const EFFECT_LABEL: Record<Effect['kind'], string> = {
  run_baseline: 'running the full suite to record the baseline',
  ask_model: 'asking the model',
  apply_patch: 'validating and applying the proposal in the worktree',
  verify_red: 'running the new tests on unchanged production code (RED gate)',
  lock_tests: 'locking tests and test configuration by hash',
  verify_green: 'running the new tests, then the full suite (GREEN gate)',
  verify_change: 'judging the non-behavioral change, then running the full suite',
  request_review: 'waiting for review of the GREEN patch',
  ask_user: 'the model asks the user a question',
  commit: 'committing on the run branch',
  finish: 'saving the evidence',
  publish_push: 'pushing the run branch',
  publish_pull: 'opening a pull request',
  publish_comment: 'commenting on the issue or pull request',
};

/** Continuation lines (a runner's output quoted in a verdict) indented under their first line. */
function indented(text: string, by = '    '): string {
  return text.replace(/\n/g, `\n${by}`);
}

/** Effects that wait for a person: no spinner may draw over the review screen or a question. */
const WAITS_FOR_A_PERSON: ReadonlySet<Effect['kind']> = new Set(['request_review', 'ask_user']);

/** A test run's journal record, for its count and duration. */
function testReport(entry: JournalEntry): { summary: string; durationMs: number } | null {
  if (entry.type !== 'test_report') return null;
  const p = entry.payload as { summary?: unknown; durationMs?: unknown };
  return typeof p.summary === 'string' && typeof p.durationMs === 'number'
    ? { summary: p.summary, durationMs: p.durationMs }
    : null;
}

/**
 * Human progress: one line per step, phase change, test run (with its count and duration), gate verdict and
 * failed attempt. With `live` (a terminal) a spinner under the last line shows what runs and for how long.
 */
export function humanProgress(
  write: (line: string) => void,
  style: Style,
  verbose = false,
  live: LiveLine | null = null,
): ProgressSink {
  const say = live === null ? write : (line: string) => live.print(line);
  let current: Effect['kind'] | null = null;
  return {
    entry: (entry) => {
      const run = testReport(entry);
      if (run !== null) say(`  tests: ${run.summary} (${(run.durationMs / 1000).toFixed(1)} s)`);
    },
    effectStarted: (effect) => {
      current = effect.kind;
      if (verbose || effect.kind !== 'finish') say(style.dim(`  … ${EFFECT_LABEL[effect.kind]}`));
      if (live === null) return;
      if (WAITS_FOR_A_PERSON.has(effect.kind) || effect.kind === 'finish') live.stop();
      else live.show(EFFECT_LABEL[effect.kind]);
    },
    transitioned: (from: RunState, to: RunState, event: RunEvent) => {
      live?.stop();
      if (event.type === 'red_checked') {
        say(
          event.verdict.ok
            ? style.green(`  ✓ ${event.verdict.message}`)
            : style.red(`  ✗ RED refused: ${indented(event.verdict.message)}`),
        );
      }
      if (event.type === 'green_checked') {
        say(
          event.verdict.ok
            ? style.green(`  ✓ ${event.verdict.message}`)
            : style.red(`  ✗ GREEN failed: ${indented(event.verdict.message)}`),
        );
      }
      if (event.type === 'patch_applied')
        say(
          `  ✓ ${event.patchKind} patch ${event.patch.sha.slice(0, 12)} applied: ${event.patch.files.join(', ')}`,
        );
      if (to.attempts > from.attempts) {
        const last = to.history[to.history.length - 1];
        if (last !== undefined)
          say(
            style.yellow(
              `  ✗ attempt ${last.n}/${to.maxAttempts} failed (${last.kind}): ${indented(last.reason)}`,
            ),
          );
      }
      if (event.type === 'review_decided')
        say(`  review: ${event.decision} by ${event.by}${event.reason ? ` (${event.reason})` : ''}`);
      if (to.phase !== from.phase || to.step === 0) say(style.bold(style.cyan(`▸ ${to.phase}`)));
    },
    note: (message) => {
      // The runtime's own lines about a test run: the count is printed from its journal record, with its
      // duration, and the baseline's "running the full suite" repeats the step's line.
      if (message.startsWith('tests: ')) return;
      if (current === 'run_baseline' && message.startsWith('running the full suite')) return;
      if (message.startsWith('running ')) live?.show(message.replace(/ \([A-Z_:a-z]+\)$/, ''), false);
      say(style.dim(`  ${indented(message)}`));
    },
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
