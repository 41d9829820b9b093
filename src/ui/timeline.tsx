import { Box } from 'ink';
import { isTerminal, PHASES, type Phase } from '../core/phases.js';
import { T, type Tone } from './theme.js';

/** The phases of a run in the order a successful one passes them. */
export const MAIN_PATH: readonly Phase[] = PHASES.filter((p) => !isTerminal(p));

function mark(phase: Phase, current: Phase, visited: readonly Phase[]): [string, Tone] {
  if (phase === current) {
    if (!isTerminal(phase)) return ['▸', 'accent'];
    return phase === 'DONE' ? ['✓', 'ok'] : ['✗', 'error'];
  }
  return visited.includes(phase) ? ['✓', 'dim'] : ['·', 'dim'];
}

/**
 * The phases as one wrapping row: passed ones ticked, the current one marked and highlighted, and an ending
 * other than the main path (ESCALATED, ABORTED…) appended. The marks carry the meaning without colour.
 */
export function Timeline({ phase, visited }: { phase: Phase; visited: readonly Phase[] }) {
  const phases =
    MAIN_PATH.includes(phase) || phase === 'DONE' ? [...MAIN_PATH, 'DONE' as const] : [...MAIN_PATH, phase];
  return (
    <Box flexWrap="wrap">
      {phases.map((p) => {
        const [m, tone] = mark(p, phase, visited);
        return (
          <Box key={p} marginRight={1}>
            <T tone={tone} inverse={p === phase && !isTerminal(p)}>
              {m} {p}
            </T>
          </Box>
        );
      })}
    </Box>
  );
}
