import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { SandboxError } from '../src/errors.js';
import { bwrapArgs, bwrapBinary, SANDBOX_HOME, sandboxStatus } from './bwrap.js';
import { scrubEnv } from './env-scrub.js';
import { killGroup, killTree } from './process-tree.js';

export { sandboxStatus, type SandboxStatus } from './bwrap.js';
export { scrubEnv } from './env-scrub.js';

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
  /** Extra writable directories besides cwd, e.g. where a report file goes. */
  writable?: string[];
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
}

/** A fresh HOME would make npm check for updates over the network on every run. */
const QUIET = { NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false' };

interface Target {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** How long output pipes may stay open after the command exits (held by an escaped grandchild). */
const PIPE_GRACE_MS = 2_000;
const live = new Set<number>();
let exitHookInstalled = false;

/** Process groups are detached, so agentctl must take them down itself when it exits. */
function track(pid: number): void {
  live.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => live.forEach(killTree));
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
async function spawnCapped({ file, args, env }: Target, cwd: string, req: ExecRequest) {
  const started = performance.now();
  const child = execa(file, args, {
    cwd,
    env,
    extendEnv: false,
    detached: true,
    reject: false,
    stdin: 'ignore',
    buffer: false,
    stripFinalNewline: false,
  });
  const stdout = capture(child.stdout, req.maxOutputBytes);
  const stderr = capture(child.stderr, req.maxOutputBytes);
  const pid = child.pid;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let grace: NodeJS.Timeout | undefined;
  if (pid !== undefined) {
    track(pid);
    timer = setTimeout(() => {
      timedOut = true;
      killTree(pid);
    }, req.timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      killGroup(pid);
      grace = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, PIPE_GRACE_MS);
    });
  }
  const result = await child;
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
    truncated: stdout.truncated || stderr.truncated,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Runs `argv` in `cwd` with a scrubbed environment, a timeout that kills the whole
 * process tree and capped output. When isolated (bubblewrap) the command sees a
 * read-only root, a writable cwd (plus `writable`), a private /tmp and HOME, no
 * network and its own pid namespace.
 */
export async function execCommand(req: ExecRequest): Promise<ExecResult> {
  if (req.argv.length === 0) throw new SandboxError('execCommand needs a non-empty argv');
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
    const home = privateDir === null ? SANDBOX_HOME : join(privateDir, 'home');
    if (privateDir !== null) await mkdir(home);
    const env = { ...scrubEnv(process.env, home), ...QUIET, TMPDIR: privateDir ?? '/tmp', ...req.env };
    // bwrap itself needs only PATH: --clearenv empties the environment before the command starts.
    const target: Target = sandboxed
      ? {
          file: bwrapBinary(),
          args: bwrapArgs({ argv: req.argv, cwd, env, writable, readOnlyBinds }),
          env: { PATH: process.env.PATH ?? '' },
        }
      : { file: req.argv[0] ?? '', args: req.argv.slice(1), env };
    const run = await spawnCapped(target, cwd, req);
    const outcome = sandboxed ? { ...run, ...signalFromBwrap(run.exitCode) } : run;
    return { ...outcome, sandboxed, ...(warning === undefined ? {} : { warning }) };
  } finally {
    if (privateDir !== null) await rm(privateDir, { recursive: true, force: true });
  }
}
