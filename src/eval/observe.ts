import { createHash } from 'node:crypto';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { raw } from '../git/repo.js';
import type { RunState } from '../core/state.js';
import type { TamperOutcome } from './journal-tamper.js';

/** What the eval saw of one run; compared field by field with the scenario's `expect`. */
export interface Observed {
  phase: string;
  attempts: number;
  attemptKinds: string[];
  /** Each failed attempt's reason, then the run's own reason when it ended without a commit. */
  reasons: string[];
  commitFiles: string[] | null;
  /** Commits on the run's branch beyond the base; a DONE run must have exactly one. */
  commits: number;
  /** Empty when the canary, the repo's .git config and hooks, HEAD and the checkout are as before. */
  canaryChanges: string[];
  strayProcesses: number[];
  /** Committed text of the files the scenario asks about (`commitFileLacks`); absent when there is no commit. */
  commitTexts: Record<string, string>;
  /** `audit verify` checks that failed (hash chain, branch cross-check); empty when all hold. */
  auditFailures: string[];
  /** What went over the wire to the model (loopback scenarios only): every string of every request. */
  wire: string[] | null;
  /** The run's commit, when it made one (`{{COMMIT}}` in tamper expectations). */
  commitSha: string | null;
  /** What the scenario's `tamper` commands did on the edited journal, one entry per tamper. */
  tamper: TamperOutcome[];
  /** A problem with the run itself: an exception, or a crash that did not happen. */
  error?: string;
}

/**
 * Hashes of everything outside the worktree an escape could reach: the canary, .git config, index and hooks,
 * HEAD and the checkout.
 */
export async function snapshotOutside(repo: string, canary: string): Promise<Record<string, string>> {
  const hash = async (file: string) =>
    createHash('sha256')
      .update(await readFile(file).catch(() => Buffer.from('(missing)')))
      .digest('hex');
  const snap: Record<string, string> = {
    canary: await hash(canary),
    '.git/config': await hash(join(repo, '.git', 'config')),
    '.git/index': await hash(join(repo, '.git', 'index')),
  };
  const hooks = await readdir(join(repo, '.git', 'hooks')).catch(() => [] as string[]);
  snap['.git/hooks'] = hooks.sort().join(',');
  for (const h of hooks) snap[`.git/hooks/${h}`] = await hash(join(repo, '.git', 'hooks', h));
  snap.HEAD = (await raw(repo, ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD'])).trim();
  snap.status = (await raw(repo, ['status', '--porcelain', '--untracked-files=all'])).trim();
  return snap;
}

/** Keys whose value changed between two snapshots. */
export function changedKeys(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

/**
 * Processes whose working directory or command line is inside `dir` (a hung test the runner failed to kill).
 * Linux only: elsewhere /proc is missing and the answer is empty.
 */
export async function processesUnder(dir: string): Promise<number[]> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
  const found: number[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cwd.startsWith(dir) || cmd.includes(dir)) found.push(Number(pid));
  }
  return found;
}

/** Files of the run's commit and how many commits its branch adds, or null/0 when it has none. */
export async function commitFacts(
  repo: string,
  state: RunState,
): Promise<{ files: string[] | null; commits: number }> {
  const branches = (await raw(repo, ['branch', '--list', '--format=%(refname:short)', 'agentctl/*'])).trim();
  // Without a commit, any agentctl branch at all counts as a commit that should not exist.
  if (state.phase !== 'DONE')
    return { files: null, commits: branches === '' ? 0 : branches.split('\n').length };
  const { sha, branch } = state.commit;
  const files = (await raw(repo, ['show', '--name-only', '--format=', sha]))
    .trim()
    .split('\n')
    .filter(Boolean)
    .sort();
  const count = Number((await raw(repo, ['rev-list', '--count', `HEAD..${branch}`])).trim());
  return { files, commits: count };
}

/** Attempt kinds and reasons, plus the terminal reason a state carries (escalation, failure, budget). */
export function attemptFacts(
  state: RunState,
): Pick<Observed, 'phase' | 'attempts' | 'attemptKinds' | 'reasons'> {
  const reasons = state.history.map((h) => h.reason);
  const extra = (state as { reason?: unknown }).reason;
  if (typeof extra === 'string') reasons.push(extra);
  return {
    phase: state.phase,
    attempts: state.attempts,
    attemptKinds: state.history.map((h) => h.kind),
    reasons,
  };
}

/** Text of `paths` in the run's commit (a missing file reads as ''), for checks on what was committed. */
export async function committedTexts(
  repo: string,
  state: RunState,
  paths: readonly string[],
): Promise<Record<string, string>> {
  if (state.phase !== 'DONE' || paths.length === 0) return {};
  const texts: Record<string, string> = {};
  for (const path of paths)
    texts[path] = await raw(repo, ['show', `${state.commit.sha}:${path}`]).catch(() => '');
  return texts;
}
