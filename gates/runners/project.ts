import type { Detection, PackageJson, ProjectFacts, RepoView } from './types.js';

/** A path written in a runner's config as the repo-relative path it names (`./x`, `<rootDir>/x` → `x`). */
export function repoPath(path: string): string {
  return path
    .trim()
    .replace(/^<rootDir>\/?/, '')
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/+$/, '');
}

/** A config glob or folder as a repo glob: a plain folder name means everything under it. */
export function globOrFolder(pattern: string): string {
  const p = repoPath(pattern);
  if (p === '' || p === '.') return '**';
  return /[*?{}[\]!]/.test(p) || /\.[\w]+$/.test(p) ? p : `${p}/**`;
}

/** Of names a config lists (`require`, `setupFiles`…), those that are files of the repo rather than packages. */
export function localFiles(names: readonly string[], repo: RepoView): string[] {
  const known = new Set(repo.files);
  return names
    .filter((n) => n.startsWith('.') || n.startsWith('<rootDir>') || known.has(repoPath(n)))
    .map(repoPath)
    .filter((n) => n !== '');
}

function deps(pkg: PackageJson): Record<string, string> {
  return { ...pkg.dependencies, ...pkg.devDependencies };
}

/**
 * The usual evidence for a JavaScript runner, strongest first: the "test" script runs it (3); a config file or
 * a package.json key configures it, or another script runs it (2); it is a dependency (1).
 */
export function detectJsRunner(
  project: ProjectFacts,
  name: string,
  opts: { configFile: RegExp; packageKey?: string; script?: RegExp },
): Detection | null {
  const script = opts.script ?? new RegExp(`(?:^|[\\s/;&|(])${name}(?:$|[\\s;&|)])`);
  const pkg = project.pkg;
  if (pkg !== null && script.test(pkg.scripts?.test ?? ''))
    return { strength: 3, why: `package.json "test" script runs ${name}` };
  const config = project.files.find((f) => !f.includes('/') && opts.configFile.test(f));
  if (config !== undefined) return { strength: 2, why: `${config} configures ${name}` };
  if (pkg !== null && opts.packageKey !== undefined && pkg[opts.packageKey] !== undefined)
    return { strength: 2, why: `package.json has a "${opts.packageKey}" key` };
  const other = Object.entries(pkg?.scripts ?? {}).find(([, s]) => script.test(s));
  if (other !== undefined) return { strength: 2, why: `package.json script "${other[0]}" runs ${name}` };
  if (pkg !== null && deps(pkg)[name] !== undefined)
    return { strength: 1, why: `${name} is in package.json dependencies` };
  return null;
}

/** The first of `names` present at the repo root. */
export function firstPresent(repo: RepoView, names: readonly string[]): string | undefined {
  const known = new Set(repo.files);
  return names.find((n) => known.has(n));
}

/** package.json at the repo root, parsed; null when absent or not JSON. */
export async function readPackageJson(repo: Pick<RepoView, 'read'>, dir = ''): Promise<PackageJson | null> {
  const text = await repo.read(dir === '' ? 'package.json' : `${dir}/package.json`);
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as PackageJson)
      : null;
  } catch {
    return null;
  }
}
