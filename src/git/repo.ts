import { execa } from 'execa';
import { GitError, UsageError } from '../errors.js';
import { gitIn } from './git-dir.js';
import { blobAt, gitDirOf } from './objects.js';

// Variables git needs to find itself and its config; nothing that would point it at another repository.
const PASS_THROUGH = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'XDG_CONFIG_HOME',
  'GIT_CONFIG_NOSYSTEM',
];

function gitEnv(): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of PASS_THROUGH) if (process.env[key] !== undefined) base[key] = process.env[key]!;
  return base;
}

/** Runs one git command in `dir` and returns its stdout; a failure is a GitError with git's own words. */
export async function raw(dir: string, args: string[], env?: Record<string, string>): Promise<string> {
  const run = await execa('git', args, {
    cwd: dir,
    reject: false,
    stripFinalNewline: false,
    ...(env === undefined ? {} : { env: { ...gitEnv(), ...env }, extendEnv: false }),
  });
  if (run.failed) {
    const why = (run.stderr || run.stdout || (run.shortMessage ?? '')).trim();
    throw new GitError(`git ${args.join(' ')} failed in ${dir}: ${why}`);
  }
  return run.stdout;
}

/**
 * Makes `dir` a repository whose files are one commit, with a fixed identity and date so that commit (and every
 * commit built on it) has the same SHA each time: the demo's and the eval's fresh repositories.
 */
export async function commitAllAsNewRepo(
  dir: string,
  opts: { name: string; email: string; date: string; message: string },
): Promise<void> {
  const env = { GIT_AUTHOR_DATE: opts.date, GIT_COMMITTER_DATE: opts.date };
  await raw(dir, ['init', '-q'], env);
  await raw(dir, ['config', 'user.name', opts.name], env);
  await raw(dir, ['config', 'user.email', opts.email], env);
  await raw(dir, ['config', 'commit.gpgsign', 'false'], env);
  await raw(dir, ['add', '.'], env);
  await raw(dir, ['commit', '-q', '-m', opts.message], env);
}

/** The repository's top level, or a usage error that says how to get one. */
export async function repoRoot(cwd: string): Promise<string> {
  try {
    return (await raw(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new UsageError(
      `${cwd} is not inside a git repository.`,
      'Run agentctl inside a git repository (git init, then commit).',
    );
  }
}

/** The commit HEAD points at; a repo without commits cannot be worked on. */
export async function headCommit(root: string): Promise<string> {
  try {
    return (await raw(root, ['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  } catch {
    throw new UsageError(`${root} has no commits yet.`, 'Commit your work first: agentctl works from HEAD.');
  }
}

/** The git identity for agentctl's commits: the user's if configured, else a fixed one. */
export async function commitIdentity(root: string): Promise<{ name: string; email: string }> {
  const get = async (key: string): Promise<string> => {
    try {
      return (await raw(root, ['config', '--get', key])).trim();
    } catch {
      return '';
    }
  };
  return {
    name: (await get('user.name')) || 'agentctl',
    email: (await get('user.email')) || 'agentctl@localhost',
  };
}

/** Content of `path` in `tree` (a tree or commit-ish) of the repository at `root`, or null when absent. */
export async function fileInTree(root: string, tree: string, path: string): Promise<string | null> {
  try {
    return (await blobAt(await gitDirOf(root), tree, path))?.toString('utf8') ?? null;
  } catch {
    return null;
  }
}

/** Writes a commit object with fixed dates and identity, so redoing it yields the same SHA. */
export async function commitTree(
  gitDir: string,
  opts: {
    tree: string;
    parent: string;
    message: string;
    date: string;
    identity: { name: string; email: string };
  },
): Promise<string> {
  const env = {
    GIT_AUTHOR_NAME: opts.identity.name,
    GIT_AUTHOR_EMAIL: opts.identity.email,
    GIT_AUTHOR_DATE: opts.date,
    GIT_COMMITTER_NAME: opts.identity.name,
    GIT_COMMITTER_EMAIL: opts.identity.email,
    GIT_COMMITTER_DATE: opts.date,
  };
  const args = ['commit-tree', opts.tree, '-p', opts.parent, '-m', opts.message];
  return (await gitIn(gitDir, args, { env })).trim();
}

/** How a compare-and-swap of a ref ended: done, refused because the ref moved, or failed for another reason. */
export type RefUpdate =
  | { ok: true }
  | { ok: false; reason: 'moved'; actual: string | null }
  | { ok: false; reason: 'failed'; message: string };

const NO_REF = '0'.repeat(40);

/**
 * Moves `ref` from `expected` (null: must not exist) to `next`, atomically. When git refuses, the ref is read
 * again: only a ref that no longer holds `expected` has "moved"; any other failure (a held lock, an unknown
 * object, an unwritable git dir) is reported as such, with git's words.
 */
export async function casUpdateRef(
  root: string,
  ref: string,
  next: string,
  expected: string | null,
): Promise<RefUpdate> {
  const gitDir = await gitDirOf(root);
  try {
    await gitIn(gitDir, ['update-ref', ref, next, expected ?? NO_REF]);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const actual = await refValue(gitDir, ref);
    if (actual !== expected) return { ok: false, reason: 'moved', actual };
    return { ok: false, reason: 'failed', message: err.message };
  }
}

/** The object a ref names exactly (no peeling), or null when it does not exist. */
async function refValue(gitDir: string, ref: string): Promise<string | null> {
  try {
    return (await gitIn(gitDir, ['rev-parse', '--verify', '--quiet', ref])).trim() || null;
  } catch {
    return null;
  }
}

/** The commit a ref points at, or null. */
export async function resolveRef(root: string, ref: string): Promise<string | null> {
  try {
    const args = ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`];
    return (await gitIn(await gitDirOf(root), args)).trim() || null;
  } catch {
    return null;
  }
}

/** Finds a commit reachable from `ref` whose message carries `Agentctl-Op: <opKey>`. */
export async function findCommitByOp(root: string, ref: string, opKey: string): Promise<string | null> {
  if ((await resolveRef(root, ref)) === null) return null;
  const out = await gitIn(await gitDirOf(root), [
    'log',
    '--format=%H',
    `--grep=^Agentctl-Op: ${opKey}$`,
    ref,
  ]);
  return out.trim().split('\n')[0] || null;
}

/** How a push ended: a new branch, already there, or a branch of the same run replaced (a re-run elsewhere). */
export type PushResult = 'pushed' | 'up_to_date' | 'replaced';

/**
 * Pushes commit `sha` to `refs/heads/<branch>` on `remote`, with the credentials git already has (in Actions,
 * the checkout's). A branch that moved is overwritten only if its tip carries `ownerLine` (the same run's
 * `Agentctl-Run:` trailer) and only with a lease on that tip; anything else is refused, never forced.
 */
export async function pushToBranch(
  root: string,
  remote: string,
  sha: string,
  branch: string,
  ownerLine: string,
): Promise<PushResult> {
  const ref = `refs/heads/${branch}`;
  const listed = await raw(root, ['ls-remote', remote, ref]);
  const tip = listed.split('\n')[0]?.split('\t')[0]?.trim() ?? '';
  if (tip === sha) return 'up_to_date';
  if (tip === '') {
    await raw(root, ['push', '--quiet', remote, `${sha}:${ref}`]);
    return 'pushed';
  }
  await raw(root, ['fetch', '--quiet', remote, ref]);
  const message = await raw(root, ['log', '-1', '--format=%B', tip]);
  if (!message.split('\n').some((line) => line.trim() === ownerLine)) {
    throw new GitError(
      `${remote} already has a branch ${branch} whose tip ${tip.slice(0, 12)} was not made by this run`,
      `Delete or rename that branch on ${remote}; agentctl does not overwrite work it did not make.`,
    );
  }
  await raw(root, ['push', '--quiet', `--force-with-lease=${ref}:${tip}`, remote, `${sha}:${ref}`]);
  return 'replaced';
}

/** The branch HEAD is on, or '' when HEAD is detached. */
export async function currentBranch(root: string): Promise<string> {
  try {
    return (await raw(root, ['symbolic-ref', '--short', '-q', 'HEAD'])).trim();
  } catch {
    return '';
  }
}
