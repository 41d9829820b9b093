import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import ts from 'typescript';

const created: string[] = [];

/** A fresh temp directory, removed by {@link cleanupTemp}. */
export async function tempDir(prefix: string, parent = tmpdir()): Promise<string> {
  const dir = await mkdtemp(join(parent, `agentctl-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes every directory made by {@link tempDir}; call from afterAll. */
export async function cleanupTemp(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout;
}

/**
 * A real git repository with one commit. Values that start with "symlink:" become
 * symbolic links to the rest of the string.
 */
export async function makeRepo(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('repo');
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'config', 'user.email', 'test@example.com');
  await git(dir, 'config', 'user.name', 'test');
  for (const [path, content] of Object.entries(files)) {
    const abs = join(dir, path);
    await mkdir(dirname(abs), { recursive: true });
    if (content.startsWith('symlink:')) await symlink(content.slice('symlink:'.length), abs);
    else await writeFile(abs, content);
  }
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** The tree git would record for the working directory (untracked files included), via a throwaway index. */
export async function treeHash(dir: string): Promise<string> {
  const index = join(await tempDir('index'), 'index');
  const env = { GIT_INDEX_FILE: index };
  await execa('git', ['add', '-A'], { cwd: dir, env });
  return (await execa('git', ['write-tree'], { cwd: dir, env })).stdout;
}

/** A hash of every entry under `dir`, .git included: names, types, modes, contents, link targets. */
export async function dirHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (current: string): Promise<void> => {
    const names = (await readdir(current)).sort();
    for (const name of names) {
      const abs = join(current, name);
      const stats = await lstat(abs);
      hash.update(`${relative(dir, abs)}\0${stats.mode}\0`);
      if (stats.isSymbolicLink()) hash.update(`link:${await readlink(abs)}\0`);
      else if (stats.isDirectory()) await walk(abs);
      else hash.update(await readFile(abs));
    }
  };
  await walk(dir);
  return hash.digest('hex');
}

/**
 * Plain node cannot import .ts in Node 20, so a child process gets these sources
 * transpiled (no type check) into a temp dir that mirrors the repo layout and sees
 * the repo's node_modules. Returns that dir.
 */
export async function transpileForChild(sources: string[]): Promise<string> {
  const out = await tempDir('build');
  await symlink(join(process.cwd(), 'node_modules'), join(out, 'node_modules'), 'dir');
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  for (const source of sources) {
    const text = await readFile(join(process.cwd(), source), 'utf8');
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const target = join(out, source.replace(/\.ts$/, '.js'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  return out;
}

/** Command lines of live processes whose argv contains `marker` (pids as the host sees them). */
export async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Zombies have exited already; only their parent's wait is pending.
    if (cmdline.includes(marker) && !/\) Z /.test(stat)) found.push(Number(name));
  }
  return found;
}
