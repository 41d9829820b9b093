import { execa } from 'execa';
import { GitError, UsageError } from '../errors.js';
import { gitIn, gitInBytes, withPrivateIndex } from './git-dir.js';

/** One entry of a tree, flattened: `100644`/`100755` file, `120000` symlink, `160000` submodule commit. */
export interface TreeEntry {
  mode: string;
  sha: string;
}

/** A whole tree, flattened to repo-relative paths (sorted the way `ls-tree -r` lists them). */
export type TreeMap = Map<string, TreeEntry>;

/** The absolute git dir of the repository whose checkout is `root` (the user's checkout, never a run's). */
export async function gitDirOf(root: string): Promise<string> {
  const run = await execa('git', ['rev-parse', '--absolute-git-dir'], { cwd: root, reject: false });
  if (run.failed || run.stdout.trim() === '') {
    throw new UsageError(
      `${root} is not inside a git repository.`,
      'Run agentctl inside a git repository (git init, then commit).',
    );
  }
  return run.stdout.trim();
}

/** The tree a commit (or tree-ish) names. */
export async function treeOf(gitDir: string, rev: string): Promise<string> {
  return (await gitIn(gitDir, ['rev-parse', '--verify', '--end-of-options', `${rev}^{tree}`])).trim();
}

/** Every entry of `tree`, recursively (submodules as one `160000` entry each). */
export async function readTree(gitDir: string, tree: string): Promise<TreeMap> {
  const out = await gitInBytes(gitDir, ['ls-tree', '-r', '-z', '--full-tree', tree]);
  const map: TreeMap = new Map();
  let start = 0;
  while (start < out.length) {
    const end = out.indexOf(0, start);
    const record = out.subarray(start, end === -1 ? out.length : end);
    start = end === -1 ? out.length : end + 1;
    const tab = record.indexOf(9);
    if (tab === -1) continue;
    const [mode, , sha] = record.subarray(0, tab).toString('latin1').split(' ');
    map.set(record.subarray(tab + 1).toString('utf8'), { mode: mode!, sha: sha! });
  }
  return map;
}

/** Contents of the given blobs, by sha, in one `cat-file --batch` call. */
export async function readBlobs(gitDir: string, shas: Iterable<string>): Promise<Map<string, Buffer>> {
  return readObjects(gitDir, shas, false);
}

/** Objects by name via `cat-file --batch`; with `onlyBlobs`, names that are missing or not blobs are left out. */
async function readObjects(gitDir: string, names: Iterable<string>, onlyBlobs: boolean) {
  const wanted = [...new Set(names)];
  const blobs = new Map<string, Buffer>();
  if (wanted.length === 0) return blobs;
  const out = await gitInBytes(gitDir, ['cat-file', '--batch'], {
    input: wanted.map((s) => `${s}\n`).join(''),
  });
  let at = 0;
  for (const sha of wanted) {
    const eol = out.indexOf(10, at);
    const header = out.subarray(at, eol).toString('utf8').split(' ');
    if (header.at(-1) === 'missing' || header.at(-1) === 'ambiguous' || header.length < 3) {
      if (!onlyBlobs) throw new GitError(`object ${sha} is missing from the repository`);
      at = eol + 1;
      continue;
    }
    const size = Number(header[2]);
    if (!onlyBlobs || header[1] === 'blob') blobs.set(sha, out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return blobs;
}

/** Content of `path` in `tree`, or null when absent or not a file. */
export async function blobAt(gitDir: string, tree: string, path: string): Promise<Buffer | null> {
  // One object lookup by `<tree>:<path>`, unless the name would break cat-file's line protocol.
  if (!/[\n\r]/.test(path)) {
    const name = `${tree}:${path}`;
    return (await readObjects(gitDir, [name], true)).get(name) ?? null;
  }
  const entry = (await readTree(gitDir, tree)).get(path);
  if (entry === undefined || entry.mode === '160000') return null;
  return (await readBlobs(gitDir, [entry.sha])).get(entry.sha) ?? null;
}

/** Stores `content` as a blob, piped in byte for byte (no path, no filter, no eol conversion). */
export async function writeBlob(gitDir: string, content: Uint8Array): Promise<string> {
  return (await gitIn(gitDir, ['hash-object', '-w', '--stdin', '--no-filters'], { input: content })).trim();
}

/** Writes `entries` as a tree object through a private index; returns its sha. */
export async function writeTree(gitDir: string, entries: TreeMap): Promise<string> {
  const info = [...entries].map(([path, e]) => `${e.mode} ${e.sha}\t${path}\0`).join('');
  return withPrivateIndex(async (indexFile) => {
    const env = { GIT_INDEX_FILE: indexFile };
    if (info !== '') await gitIn(gitDir, ['update-index', '-z', '--index-info'], { input: info, env });
    return (await gitIn(gitDir, ['write-tree'], { env })).trim();
  });
}
