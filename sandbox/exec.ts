import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { InterruptedError, SandboxError } from '../src/errors.js';
import { bwrapArgs, bwrapBinary, sandboxHome, sandboxStatus } from './bwrap.js';
import { scrubEnv } from './env-scrub.js';
import { execOnlyNode } from './exec-only-node.js';
import { killRun, killTree, RUN_MARK_VAR } from './process-tree.js';
import { openReportPipe, type ReportPipe } from './report-pipe.js';

export { sandboxStatus, type SandboxStatus } from './bwrap.js';
export { scrubEnv } from './env-scrub.js';
export { REPORT_PATH } from './report-pipe.js';

/** `auto` isolates when bubblewrap works, `required` refuses to run without it, `off` never isolates. */
export type SandboxMode = 'auto' | 'required' | 'off';

/** One command to run; argv only, never a shell string. */
export interface ExecRequest {
  argv: string[];
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  mode: SandboxMode;
  /** Added after scrubbing, so the caller can pass exactly what a command needs. */
  env?: Record<string, string>;
  readOnlyBinds?: Array<{ from: string; to: string }>;
  /** Extra writable directories besides cwd. */
  writable?: string[];
  /**
   * Give the command a report pipe on fd 3 (`REPORT_PATH`, /dev/fd/3): it has no name in
   * any filesystem, so tested code cannot find it as a file and append to it.
   */
  reportPipe?: boolean;
}

/** What happened; a failing, crashing or timed-out command is a result, not an exception. */
export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  truncated: boolean;
  sandboxed: boolean;
  durationMs: number;
  /** Set when `auto` fell back to running without isolation; print it once. */
  warning?: string;
  /** With `reportPipe`: the exact bytes written to fd 3, or null when more than the cap arrived. */
  report?: Buffer | null;
}

/** A report beyond this is refused rather than cut: a cut JSON-lines report could read as fewer tests. */
const REPORT_CAP_BYTES = 256 * 1024 * 1024;

/** A fresh HOME would make npm check for updates over the network on every run. */
const QUIET = { NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false' };

interface Target {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** How long output pipes may stay open after the command exits (held by an escaped grandchild). */
const PIPE_GRACE_MS = 2_000;
/** Running commands by pid, each with the function that ends its whole run because the user interrupted. */
const live = new Map<number, () => void>();
let exitHookInstalled = false;
/** Set by interruptCommands(): commands refuse to start until allowCommands(). */
let interrupted = false;

/** Process groups are detached, so agentctl must take them down itself when it exits. */
function track(pid: number, interrupt: () => void): void {
  live.set(pid, interrupt);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => live.forEach((_, p) => killTree(p)));
}

/**
 * The user pressed Ctrl-C: kills every running command's process tree now (its execCommand then throws
 * InterruptedError) and refuses new commands until allowCommands(). Returns how many commands were running.
 */
export function interruptCommands(): number {
  interrupted = true;
  const running = [...live.values()];
  running.forEach((interrupt) => interrupt());
  return running.length;
}

/** Lets commands run again after interruptCommands() (the next run in the same process). */
export function allowCommands(): void {
  interrupted = false;
}

function interruptedError(argv: readonly string[]): InterruptedError {
  return new InterruptedError(`interrupted: stopped ${basename(argv[0] ?? '')} and every process it started`);
}

interface Capture {
  text(): string;
  truncated: boolean;
}

/** Keeps the first `cap` bytes and drains the rest, so a chatty command never blocks on a full pipe. */
function capture(stream: Readable | null, cap: number): Capture {
  const chunks: Buffer[] = [];
  let kept = 0;
  const state: Capture = {
    truncated: false,
    text: () => {
      const body = Buffer.concat(chunks).toString('utf8');
      return state.truncated ? `${body}\n[agentctl: output truncated after ${cap} bytes]` : body;
    },
  };
  stream?.on('data', (chunk: Buffer) => {
    const room = cap - kept;
    if (chunk.length > room) state.truncated = true;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    chunks.push(part);
    kept += part.length;
  });
  return state;
}

async function resolveDirs(dirs: string[], what: string): Promise<string[]> {
  return Promise.all(
    dirs.map((dir) =>
      realpath(dir).catch(() => {
        throw new SandboxError(`${what} ${dir} does not exist`);
      }),
    ),
  );
}

/** bwrap reports a command killed by signal N as exit code 128+N; report it as unsandboxed runs do. */
function signalFromBwrap(exitCode: number | null): { exitCode: number | null; signal?: string } {
  const name = exitCode !== null && exitCode > 128 ? signalName(exitCode - 128) : undefined;
  return name === undefined ? { exitCode } : { exitCode: null, signal: name };
}

function signalName(signo: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === signo)?.[0];
}

async function isolation(mode: SandboxMode): Promise<{ sandboxed: boolean; warning?: string }> {
  if (mode === 'off') return { sandboxed: false };
  const status = await sandboxStatus();
  if (status.available) return { sandboxed: true };
  const why = status.reason ?? 'bubblewrap (bwrap) is not available';
  if (mode === 'required') {
    throw new SandboxError(
      `sandbox.mode is "required" but bubblewrap (bwrap) cannot isolate commands: ${why}`,
      'install it with `apt-get install bubblewrap` (or your distribution\'s package), or set sandbox.mode to "auto"',
    );
  }
  return {
    sandboxed: false,
    warning: `running commands without isolation: ${why}; install bubblewrap (apt-get install bubblewrap)`,
  };
}

/** Spawns, caps output, enforces the timeout on the whole tree, and sweeps leftovers. */
async function spawnCapped(
  { file, args, env }: Target,
  cwd: string,
  req: ExecRequest,
  sweep: (pid: number) => void,
  pipe: ReportPipe | null,
) {
  // Ctrl-C may come while the command was being prepared; from here to track() nothing awaits.
  if (interrupted) {
    pipe?.stop();
    throw interruptedError(req.argv);
  }
  const started = performance.now();
  const child = execa(file, args, {
    cwd,
    env,
    extendEnv: false,
    detached: true,
    reject: false,
    // execa hands an fd number to spawn as Node does, though its types list only named modes for fd 3+.
    stdio: ['ignore', 'pipe', 'pipe', ...(pipe === null ? [] : [pipe.writeFd as unknown as 'pipe'])],
    buffer: false,
    stripFinalNewline: false,
  });
  pipe?.handedOver();
  const stdout = capture(child.stdout, req.maxOutputBytes);
  const stderr = capture(child.stderr, req.maxOutputBytes);
  const pid = child.pid;
  let timedOut = false;
  let killedByUser = false;
  let timer: NodeJS.Timeout | undefined;
  let grace: NodeJS.Timeout | undefined;
  if (pid !== undefined) {
    track(pid, () => {
      killedByUser = true;
      sweep(pid);
    });
    timer = setTimeout(() => {
      timedOut = true;
      sweep(pid);
    }, req.timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      sweep(pid);
      grace = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        pipe?.stop();
      }, PIPE_GRACE_MS);
    });
  } else pipe?.stop();
  const result = await child;
  const report = pipe === null ? undefined : await pipe.bytes;
  clearTimeout(timer);
  clearTimeout(grace);
  if (pid !== undefined) live.delete(pid);
  const spawnFailed = pid === undefined || (result.exitCode === undefined && result.signal === undefined);
  return {
    // Shell convention: 127 when the command could not be started at all.
    exitCode: spawnFailed ? 127 : (result.exitCode ?? null),
    signal: result.signal ?? null,
    stdout: stdout.text(),
    stderr: spawnFailed ? `agentctl: cannot run ${file}: ${result.originalMessage ?? ''}` : stderr.text(),
    timedOut,
    killedByUser,
    truncated: stdout.truncated || stderr.truncated,
    durationMs: Math.round(performance.now() - started),
    ...(pipe === null || report === undefined ? {} : { report: pipe.truncated() ? null : report }),
  };
}

/**
 * Runs `argv` in `cwd` with a scrubbed environment, a timeout that kills every process
 * of the run and capped output. When isolated (bubblewrap) the command sees only the
 * host view (sandbox/host-view.ts) read-only, a writable cwd (plus `writable`), a
 * private /tmp and HOME, no network and its own pid namespace. Unsandboxed, its
 * processes carry a per-run mark so a daemon that left the tree is still found.
 */
export async function execCommand(req: ExecRequest): Promise<ExecResult> {
  if (req.argv.length === 0) throw new SandboxError('execCommand needs a non-empty argv');
  if (interrupted) throw interruptedError(req.argv);
  const { sandboxed, warning } = await isolation(req.mode);
  const [cwd = ''] = await resolveDirs([req.cwd], 'working directory');
  const writable = await resolveDirs(req.writable ?? [], 'writable directory');
  const readOnlyBinds = req.readOnlyBinds ?? [];
  await resolveDirs(
    readOnlyBinds.map((bind) => bind.from),
    'read-only bind source',
  );
  const privateDir = sandboxed ? null : await mkdtemp(join(tmpdir(), 'agentctl-exec-'));
  try {
    const home = privateDir === null ? sandboxHome() : join(privateDir, 'home');
    if (privateDir !== null) await mkdir(home);
    const mark = randomBytes(12).toString('hex');
    // Inside bwrap the pid namespace ends every process with the run, but the kernel does so asynchronously; the
    // mark finds what is still alive when the command returns, and outside bwrap it finds escaped daemons.
    const marked: Record<string, string> = { [RUN_MARK_VAR]: mark };
    const env = {
      ...scrubEnv(process.env, home),
      ...QUIET,
      TMPDIR: privateDir ?? '/tmp',
      ...req.env,
      ...marked,
    };
    const node = sandboxed ? await execOnlyNode() : null;
    const hardened = node === null ? [] : [node];
    // bwrap itself needs only PATH: --clearenv empties the environment before the command starts.
    const target: Target = sandboxed
      ? {
          file: bwrapBinary(),
          args: bwrapArgs({
            argv: req.argv,
            cwd,
            env,
            writable,
            readOnlyBinds: [...readOnlyBinds, ...hardened],
          }),
          env: { PATH: process.env.PATH ?? '' },
        }
      : { file: req.argv[0] ?? '', args: req.argv.slice(1), env };
    const sweep = (pid: number) => killRun(pid, mark);
    const pipeDir = req.reportPipe === true ? await mkdtemp(join(tmpdir(), 'agentctl-pipe-')) : null;
    let run: Awaited<ReturnType<typeof spawnCapped>>;
    try {
      const pipe = pipeDir === null ? null : await openReportPipe(pipeDir, REPORT_CAP_BYTES);
      run = await spawnCapped(target, cwd, req, sweep, pipe);
    } finally {
      if (pipeDir !== null) await rm(pipeDir, { recursive: true, force: true });
    }
    const { killedByUser, ...ran } = run;
    // Killed because the user asked to stop: not a result of the command, so no gate may read it as one.
    if (killedByUser) throw interruptedError(req.argv);
    const outcome = sandboxed ? { ...ran, ...signalFromBwrap(ran.exitCode) } : ran;
    return { ...outcome, sandboxed, ...(warning === undefined ? {} : { warning }) };
  } finally {
    if (privateDir !== null) await rm(privateDir, { recursive: true, force: true });
  }
}
