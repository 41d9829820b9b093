import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { GitError } from '../errors.js';

// What git needs to find itself and the user's own identity; nothing that could point it at another repository.
const PASS_THROUGH = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'XDG_CONFIG_HOME'];

// Switched off for every call: no hook, fsmonitor, attribute file or filter can run, whatever a worktree holds.
const HARDENING = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.autocrlf=false',
  '-c',
  'core.attributesFile=/dev/null',
  '-c',
  'core.bare=true',
];

/** The environment every git call gets: explicit, never inherited, so GIT_DIR/GIT_WORK_TREE cannot leak in. */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
  };
  for (const key of PASS_THROUGH) if (process.env[key] !== undefined) env[key] = process.env[key]!;
  return { ...env, ...extra };
}

/** How one call to {@link gitIn} runs: bytes to pipe in, extra variables, binary output. */
export interface GitCallOptions {
  input?: string | Uint8Array;
  env?: Record<string, string>;
}

let neutral: Promise<string> | null = null;

/** An empty private directory to run git from, so no file of any worktree is ever git's cwd. */
function neutralDir(): Promise<string> {
  neutral ??= mkdtemp(join(tmpdir(), 'agentctl-git-'));
  return neutral;
}

async function call(gitDir: string, args: string[], opts: GitCallOptions, binary: boolean) {
  const run = await execa('git', [`--git-dir=${gitDir}`, ...HARDENING, ...args], {
    cwd: await neutralDir(),
    env: gitEnv(opts.env),
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    // Blob batches can be large; the default 100 MB cap would fail a big checkout.
    maxBuffer: 2 ** 30,
    ...(binary ? { encoding: 'buffer' as const } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  if (run.failed) {
    const text = (x: unknown) => (typeof x === 'string' ? x : Buffer.from(x as Uint8Array).toString('utf8'));
    const why = (text(run.stderr) || text(run.stdout) || (run.shortMessage ?? '')).trim();
    throw new GitError(`git ${args.slice(0, 3).join(' ')} failed in ${gitDir}: ${why}`);
  }
  return run.stdout;
}

/**
 * Runs git against a repository's real git dir only: `--git-dir` given, a neutral cwd, hooks and fsmonitor off,
 * no system config, an explicit environment. Nothing in a worktree can change what such a call does.
 */
export async function gitIn(gitDir: string, args: string[], opts: GitCallOptions = {}): Promise<string> {
  return (await call(gitDir, args, opts, false)) as string;
}

/** {@link gitIn} returning raw stdout bytes (blob contents). */
export async function gitInBytes(gitDir: string, args: string[], opts: GitCallOptions = {}): Promise<Buffer> {
  return Buffer.from((await call(gitDir, args, opts, true)) as Uint8Array);
}

/** A private index file for building one tree; removed when `use` ends. */
export async function withPrivateIndex<T>(use: (indexFile: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'agentctl-index-'));
  try {
    return await use(join(dir, 'index'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
