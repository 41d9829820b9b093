/** The process's streams and surroundings, passed in so commands can be run from tests. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
  /** Ends the process at once (a second Ctrl-C); absent where there is no process to end, as in tests. */
  exitNow?: (code: number) => void;
}

export function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    // The one exit outside bin/: a second Ctrl-C must not wait for the run to unwind. The journal is durable
    // after every append and the sandbox's exit hook kills the test processes, so this is a crash resume handles.
    exitNow: (code) => process.exit(code),
  };
}

/**
 * ink stops redrawing after its first frame when `CI` is set (it reads the variable once, on import). A person at
 * a terminal needs a live screen even if their shell exports CI, so call this before ink is first imported.
 */
export function allowInteractiveRendering(io: CliIO): void {
  if (io.stdin.isTTY === true && io.stdout.isTTY === true && io.env.CI !== undefined) {
    process.env.CI = '0';
    process.env.CONTINUOUS_INTEGRATION = '0';
  }
}
