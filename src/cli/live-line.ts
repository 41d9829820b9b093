/** Spinner frames, as the REPL's spinner (src/ui/spinner.tsx) draws them. */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR = '\r\x1b[2K';

/** "7s", "2m 05s". */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** One transient line at the bottom of a terminal: a spinner, what is being done, and for how long. */
export interface LiveLine {
  /** Starts (or relabels) the spinner; the clock restarts only when `restart` is true. */
  show(label: string, restart?: boolean): void;
  /** Writes a permanent line above the spinner. */
  print(line: string): void;
  /** Removes the spinner. */
  stop(): void;
}

/** A LiveLine on a terminal stream; it redraws ten times a second and never wraps (it is cut to the width). */
export function liveLine(
  stream: NodeJS.WriteStream,
  paint: (frame: string, text: string, time: string) => string,
  now: () => number = Date.now,
): LiveLine {
  let label: string | null = null;
  let started = now();
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    if (label === null) return;
    const time = elapsed(now() - started);
    const room = Math.max(10, (stream.columns || 80) - time.length - 6);
    const text = label.length > room ? `${label.slice(0, room - 1)}…` : label;
    stream.write(`${CLEAR}${paint(FRAMES[tick++ % FRAMES.length] ?? '', text, time)}`);
  };
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
    if (label !== null) stream.write(CLEAR);
    label = null;
  };
  return {
    show(next, restart = true) {
      if (restart || label === null) started = now();
      label = next;
      if (timer === undefined) {
        timer = setInterval(draw, 100);
        timer.unref();
      }
      draw();
    },
    print(line) {
      if (label !== null) stream.write(CLEAR);
      stream.write(`${line}\n`);
      draw();
    },
    stop,
  };
}
