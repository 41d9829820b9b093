import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { packageRoot } from '../src/paths.js';

/**
 * Everything of the host a sandboxed command may see, in one place. The sandbox starts
 * from an empty root, so a path missing here is absent inside: an allowlist that fails
 * closed, never a denylist of secrets. All of it is read-only; the worktree (writable)
 * and the dependency dirs (read-only) are added per command by the caller.
 */
export const HOST_VIEW = {
  /** System trees; on a merged-/usr host /bin, /lib… are links and are recreated as links. */
  system: ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'],
  /**
   * /etc entries that users, name resolution, TLS, time and the dynamic linker need. Not
   * gitconfig, npmrc, pip.conf or the like: they may carry credentials and change behaviour.
   */
  etc: [
    'passwd',
    'group',
    'hosts',
    'host.conf',
    'resolv.conf',
    'nsswitch.conf',
    'gai.conf',
    'protocols',
    'services',
    'mime.types',
    'ssl',
    'ca-certificates',
    'ca-certificates.conf',
    'pki',
    'alternatives',
    'localtime',
    'timezone',
    'ld.so.cache',
    'ld.so.conf',
    'ld.so.conf.d',
    'os-release',
    'locale.alias',
  ],
  /**
   * Credential files that can sit inside a toolchain tree under HOME (a PATH entry such as
   * ~/.cargo/bin makes ~/.cargo visible); masked with an empty file when present.
   */
  homeCredentials: [
    '.cargo/credentials',
    '.cargo/credentials.toml',
    '.npmrc',
    '.netrc',
    '.pypirc',
    '.git-credentials',
    '.gitconfig',
    '.config/git/credentials',
  ],
  /** Top folders under HOME that are never shown, even when a PATH entry lies inside. */
  homeNever: ['.ssh', '.gnupg', '.aws', '.azure', '.kube', '.docker', '.config', '.local/share/keyrings'],
} as const;

/** One mount of the host view, applied in order. */
export type Mount =
  | { kind: 'ro'; path: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'tmpfs'; path: string }
  | { kind: 'mask-file'; path: string };

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

/** What is at `path`; `follow` looks through links (bwrap binds what a link points to). */
function existing(path: string, follow = false): 'dir' | 'file' | 'link' | null {
  try {
    const stats = follow ? statSync(path) : lstatSync(path);
    return stats.isSymbolicLink() ? 'link' : stats.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/** HOME inside the sandbox: the user's home path, but a private empty tmpfs. */
export function sandboxHome(): string {
  const home = homedir();
  const system = HOST_VIEW.system.some((dir) => within(home, dir));
  return isAbsolute(home) && home !== '/' && !system && !within(home, '/tmp') ? home : '/tmp/home';
}

/** The folder to show for one PATH entry: under HOME the top folder holding it (~/.pyenv), else itself. */
function pathTree(entry: string, home: string): string | null {
  if (!isAbsolute(entry) || HOST_VIEW.system.some((dir) => within(entry, dir))) return null;
  if (!within(entry, home)) return entry;
  const top = relative(home, entry).split(sep)[0] ?? '';
  if (top === '' || HOST_VIEW.homeNever.some((never) => within(join(home, top), join(home, never))))
    return null;
  return join(home, top);
}

/** Read-only trees beyond the system: PATH toolchains, node's prefix, agentctl's own package. */
function toolTrees(home: string): string[] {
  const trees = new Set<string>();
  for (const entry of (process.env.PATH ?? '').split(':')) {
    const tree = pathTree(entry, home);
    if (tree !== null && existing(tree, true) === 'dir') trees.add(tree);
  }
  const nodePrefix = dirname(dirname(realpathSync(process.execPath)));
  if (!HOST_VIEW.system.some((dir) => within(nodePrefix, dir))) trees.add(nodePrefix);
  // The reporter modules runners load live in the package.
  trees.add(packageRoot());
  // A tree inside another one is already visible.
  return [...trees].filter((tree) => ![...trees].some((other) => other !== tree && within(tree, other)));
}

/**
 * The host view as an ordered list of mounts: system trees, /etc entries, a private
 * HOME, toolchain trees, and credential files inside them masked. Computed for every
 * command, so a credential file created since the last one is masked too.
 */
export function hostView(): Mount[] {
  const mounts: Mount[] = [];
  for (const path of HOST_VIEW.system) {
    const kind = existing(path);
    if (kind === 'link') mounts.push({ kind: 'symlink', path, target: readlinkSync(path) });
    else if (kind === 'dir') mounts.push({ kind: 'ro', path });
  }
  for (const name of HOST_VIEW.etc) {
    const path = join('/etc', name);
    // A dangling link (resolv.conf into an absent /run) would make bwrap refuse to start.
    if (existing(path, true) !== null) mounts.push({ kind: 'ro', path });
  }
  mounts.push({ kind: 'tmpfs', path: sandboxHome() });
  const home = homedir();
  const trees = toolTrees(home);
  for (const path of trees) mounts.push({ kind: 'ro', path });
  for (const rel of HOST_VIEW.homeCredentials) {
    const path = join(home, rel);
    if (existing(path) === 'file' && trees.some((tree) => within(path, tree)))
      mounts.push({ kind: 'mask-file', path });
  }
  return mounts;
}
