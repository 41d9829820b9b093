import { Box } from 'ink';
import type { RunView } from './run-view.js';
import { Spinner } from './spinner.js';
import { T } from './theme.js';
import { Timeline } from './timeline.js';

/** 12345 → "12,345". */
function n(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * The live part of a run: the timeline, the step in progress, and what the model has cost so far. `quiet`
 * drops the ticking spinner, so a screen below it (the review) is not redrawn ten times a second.
 */
export function RunPanel({
  view,
  now,
  quiet = false,
}: {
  view: RunView;
  now?: () => number;
  quiet?: boolean;
}) {
  const { live, state } = view;
  const attempts = state === null ? '' : ` · attempts ${state.attempts}/${state.maxAttempts}`;
  return (
    <Box flexDirection="column">
      <Timeline phase={view.phase} visited={view.visited} />
      {view.step !== null && !quiet ? (
        <Spinner label={view.step.label} startedAt={view.step.startedAt} now={now} />
      ) : null}
      <T tone="dim">
        turns {live.turns} · tokens {n(live.inputTokens)} in / {n(live.outputTokens)} out · $
        {live.costUsd.toFixed(4)}
        {attempts}
      </T>
    </Box>
  );
}
