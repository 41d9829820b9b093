import { useEffect, useState } from 'react';
import { Box } from 'ink';
import { T } from './theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** "7s", "2m 05s": elapsed time at a glance. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** A spinner, what is being done, and for how long; ticks while mounted. */
export function Spinner({
  label,
  startedAt,
  now = Date.now,
}: {
  label: string;
  startedAt: number;
  now?: (() => number) | undefined;
}) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 100);
    return () => clearInterval(timer);
  }, []);
  return (
    <Box>
      <T tone="accent">{FRAMES[tick % FRAMES.length]} </T>
      <T>{label} </T>
      <T tone="dim">{formatElapsed(now() - startedAt)}</T>
    </Box>
  );
}
