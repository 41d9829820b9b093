import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { describeEntry } from '../cli/commands/runs.js';
import { JournalEntry } from '../journal/entry.js';
import { runEntries } from '../journal/run-entries.js';
import { newRunId } from '../journal/run-store.js';
import { packageFile } from '../paths.js';

/** The fields of a `--json` journal line the server reports as progress. */
const EventLine = z.looseObject({
  seq: z.number(),
  time: z.string(),
  type: z.string(),
  phase: z.string(),
  payload: z.unknown(),
});
export type EventLine = z.infer<typeof EventLine>;

/** The `{"type":"result"}` line `agentctl fix --json` ends with. */
const ResultLine = z.looseObject({ type: z.literal('result'), runId: z.string(), exitCode: z.number() });

/** How a child run's process ended. */
export interface ChildExit {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  /** The last lines the child wrote to stderr: why it failed to start, when it did. */
  stderr: string;
}

/** A `agentctl fix` child process driving one run. */
export interface ChildRun {
  runId: string;
  /** Settles when the process has exited. */
  done: Promise<ChildExit>;
  /** Null while it runs. */
  exit: ChildExit | null;
  /** Asks the run to stop at a checkpoint (Ctrl-C): the run stays resumable. */
  interrupt(): void;
}

export interface SpawnFixOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Arguments after `fix`: the flags and the task. */
  args: readonly string[];
  /** The run id to pin, so the caller knows it before the run starts. */
  runId?: string;
  /** Called with each journal event the run makes durable. */
  onEvent?: (event: EventLine) => void;
}

/** Most stderr kept for the error message of a run that failed to start. */
const STDERR_TAIL = 4000;

/** One line for a journal event, as `runs show` words it (its type and phase when its payload is not inline). */
export function describeEvent(line: EventLine): string {
  const entry = JournalEntry.safeParse(line);
  if (entry.success && entry.data.blobs === undefined) {
    try {
      return `${line.phase}: ${describeEntry(runEntries([entry.data])[0]!)}`;
    } catch {
      // A payload that does not fit its schema is reported by type; the journal itself is checked when read.
    }
  }
  return `${line.phase}: ${line.type}`;
}

/** A fresh run id for a child run (never the server's own AGENTCTL_RUN_ID: every child needs its own). */
export function childRunId(): string {
  return newRunId(new Date());
}

/**
 * Starts `agentctl fix --json <args>` as a child process with its run id pinned; the child is the same binary
 * and the same run a person would start, and its stdout (the journal as JSON lines) never reaches the server's.
 */
export function spawnFix(opts: SpawnFixOptions): ChildRun {
  const runId = opts.runId ?? childRunId();
  const child: ChildProcess = spawn(
    process.execPath,
    [packageFile('bin', 'agentctl.js'), 'fix', '--json', ...opts.args],
    {
      cwd: opts.cwd,
      env: { ...opts.env, AGENTCTL_RUN_ID: runId, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return;
    }
    if (ResultLine.safeParse(raw).success) return;
    const event = EventLine.safeParse(raw);
    if (event.success) opts.onEvent?.(event.data);
  });
  const run: ChildRun = {
    runId,
    exit: null,
    done: new Promise<ChildExit>((resolve) => {
      child.on('error', (err) => {
        run.exit = { code: 70, stderr: `${stderr}\n${err.message}`.trim() };
        resolve(run.exit);
      });
      child.on('close', (code) => {
        run.exit ??= { code, stderr: stderr.trim() };
        resolve(run.exit);
      });
    }),
    interrupt: () => {
      if (run.exit === null) child.kill('SIGINT');
    },
  };
  return run;
}
