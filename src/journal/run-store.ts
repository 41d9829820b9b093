import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JournalError, UsageError } from '../errors.js';
import { ioError } from './io-error.js';
import { isRunId } from './run-id.js';

/** Directory in the user's repo that holds everything agentctl keeps between invocations. */
export const AGENTCTL_DIR = '.agentctl';
/** File name of a run's journal inside its run directory. */
export const JOURNAL_FILE = 'journal.jsonl';

/** One run directory found by `listRuns`. */
export interface RunInfo {
  runId: string;
  dir: string;
  /** Last change: the journal's mtime, or the directory's if it has no journal yet. */
  mtime: Date;
}

/**
 * Creates `<repoRoot>/.agentctl/` if missing, with a `.gitignore` of `*` so git never picks it up
 * and the user need not edit their own ignore file. An existing `.gitignore` there is left alone.
 * Returns the directory's path.
 */
export async function ensureAgentctlDir(repoRoot: string): Promise<string> {
  const dir = join(repoRoot, AGENTCTL_DIR);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.gitignore'), '*\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`cannot create ${dir}`, error);
  }
  return dir;
}

/** `<repoRoot>/.agentctl/runs/<runId>`; throws `JournalError` for an id that is not a plain name. */
export function runDir(repoRoot: string, runId: string): string {
  if (!isRunId(runId)) {
    throw new JournalError(
      `invalid run id ${JSON.stringify(runId)}`,
      'Run ids look like 20261125-142233-a1b2c3: letters, digits, - and _.',
    );
  }
  return join(repoRoot, AGENTCTL_DIR, 'runs', runId);
}

/** `<repoRoot>/.agentctl/runs/<runId>/journal.jsonl`. */
export function journalPath(repoRoot: string, runId: string): string {
  return join(runDir(repoRoot, runId), JOURNAL_FILE);
}

/**
 * The journal of run `runId`, which must exist: an unknown id is a `UsageError` (exit 2) that lists the most
 * recent run ids, so a mistyped id is easy to correct.
 */
export async function requireJournal(repoRoot: string, runId: string): Promise<string> {
  const file = journalPath(repoRoot, runId);
  try {
    await stat(file);
    return file;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(`cannot read ${file}`, error);
  }
  const recent = (await listRuns(repoRoot))
    .slice(-5)
    .reverse()
    .map((r) => r.runId);
  throw new UsageError(
    recent.length === 0
      ? `No run ${runId} in ${repoRoot}: this repository has no runs yet.`
      : `No run ${runId} in ${repoRoot}. Recent runs: ${recent.join(', ')}`,
    recent.length === 0 ? 'Start one with: agentctl fix "<task>"' : 'List them all with: agentctl runs list',
  );
}

/** The runs under `<repoRoot>/.agentctl/runs`, oldest id first; none if the directory is missing. */
export async function listRuns(repoRoot: string): Promise<RunInfo[]> {
  const root = join(repoRoot, AGENTCTL_DIR, 'runs');
  let names: string[];
  try {
    const dirents = await readdir(root, { withFileTypes: true });
    names = dirents.filter((d) => d.isDirectory() && isRunId(d.name)).map((d) => d.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError(`cannot list runs in ${root}`, error);
  }
  const runs = await Promise.all(
    names.map(async (runId): Promise<RunInfo> => {
      const dir = join(root, runId);
      const mtime = await stat(join(dir, JOURNAL_FILE)).then(
        (s) => s.mtime,
        async () => (await stat(dir)).mtime,
      );
      return { runId, dir, mtime };
    }),
  );
  return runs.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}

/**
 * A new run id, `YYYYMMDD-HHMMSS-xxxxxx` in UTC so ids sort by start time whatever the time zone.
 * `random` supplies the suffix (default: 6 random hex digits).
 */
export function newRunId(now: Date, random: () => string = () => randomBytes(3).toString('hex')): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  const id = `${date}-${time}-${random()}`;
  if (!isRunId(id)) throw new JournalError(`random() produced an unusable run id suffix: ${id}`);
  return id;
}
