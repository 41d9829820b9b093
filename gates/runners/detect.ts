import picomatch from 'picomatch';
import type { Runner } from '../../src/policy/config-schema.js';
import { RUNNER_PROFILES } from './index.js';
import { readPackageJson } from './project.js';
import { subView } from './repo-view.js';
import { yamlTopLevel } from './text-config.js';
import type { Detection, PackageJson, RepoView } from './types.js';
import { COMMON_TEST_GLOBS } from '../../src/policy/path-kinds.js';

/** A runner found in one folder of the repo ('' for the root). */
export interface Detected {
  runner: Runner;
  why: string;
  dir: string;
}

/**
 * What a repository uses: one runner; workspace packages each on its own runner (`untested`: package folders
 * with no runner and no test files, which need none); a layout agentctl cannot run, said plainly with what to
 * do; or nothing recognisable.
 */
export type ProjectDetection =
  | { kind: 'single'; detected: Detected; packages: Detected[] }
  | { kind: 'packages'; packages: Detected[]; untested: string[] }
  | { kind: 'unsupported'; packages: Detected[]; problem: string; fix: string }
  | { kind: 'none' };

const looksLikeTest = picomatch(COMMON_TEST_GLOBS, { dot: true });

/** The strongest runner detected in a folder; ties go to the registry's order. */
async function strongest(repo: RepoView): Promise<(Detection & { runner: Runner }) | null> {
  const facts = { pkg: await readPackageJson(repo), files: repo.files, read: repo.read };
  let best: (Detection & { runner: Runner }) | null = null;
  for (const profile of Object.values(RUNNER_PROFILES)) {
    const found = await profile.detect(facts);
    if (found !== null && (best === null || found.strength > best.strength))
      best = { ...found, runner: profile.runner };
  }
  return best;
}

/** Workspace globs from package.json "workspaces" (npm, yarn) and pnpm-workspace.yaml. */
async function workspaceGlobs(repo: RepoView, pkg: PackageJson | null): Promise<string[]> {
  const ws = pkg?.workspaces;
  const fromPkg = Array.isArray(ws) ? ws : Array.isArray(ws?.packages) ? ws.packages : [];
  const pnpmText = await repo.read('pnpm-workspace.yaml');
  const pnpm = pnpmText === null ? [] : yamlTopLevel(pnpmText).packages;
  const fromPnpm = Array.isArray(pnpm) ? pnpm : typeof pnpm === 'string' ? [pnpm] : [];
  return [...fromPkg, ...fromPnpm].filter((g): g is string => typeof g === 'string');
}

/** Folders of workspace packages: those holding a package.json and matched by the workspace globs. */
async function workspaceDirs(repo: RepoView, pkg: PackageJson | null): Promise<string[]> {
  const globs = (await workspaceGlobs(repo, pkg)).map((g) => g.replace(/^\.\//, '').replace(/\/+$/, ''));
  if (globs.length === 0) return [];
  const include = picomatch(globs.filter((g) => !g.startsWith('!')));
  const exclude = picomatch(globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1)));
  return repo.files
    .filter((f) => f.endsWith('/package.json'))
    .map((f) => f.slice(0, -'/package.json'.length))
    .filter((dir) => include(dir) && !exclude(dir))
    .sort();
}

/**
 * Detects the test runner of a repository per the runner profiles. With workspaces, each package is detected;
 * a runner the root "test" script runs covers them all, else they must agree.
 */
export async function detectProject(repo: RepoView): Promise<ProjectDetection> {
  const pkg = await readPackageJson(repo);
  const root = await strongest(repo);
  const packages: Detected[] = [];
  const bare: string[] = [];
  const dirs = await workspaceDirs(repo, pkg);
  for (const dir of dirs) {
    const found = await strongest(subView(repo, dir));
    if (found !== null) packages.push({ runner: found.runner, why: found.why, dir });
    else bare.push(dir);
  }
  if (root !== null && (root.strength === 3 || packages.length === 0))
    return { kind: 'single', detected: { runner: root.runner, why: root.why, dir: '' }, packages };
  const runners = [...new Set(packages.map((p) => p.runner))];
  if (runners.length > 1) return perPackage(repo, dirs, packages, bare);
  if (runners.length === 1) {
    const runner = runners[0]!;
    const dirs = packages.map((p) => p.dir).join(', ');
    return {
      kind: 'single',
      detected: { runner, why: `every workspace package with tests uses ${runner} (${dirs})`, dir: '' },
      packages,
    };
  }
  if (pkg !== null)
    return {
      kind: 'single',
      detected: {
        runner: 'node',
        why: 'a Node.js project without a recognised runner; node:test is built in',
        dir: '',
      },
      packages,
    };
  return { kind: 'none' };
}

/**
 * Workspace packages on different runners, each run in its own folder, when every test file belongs to a package
 * with a runner; otherwise the first test file nothing would run, and what to do about it.
 */
function perPackage(
  repo: RepoView,
  dirs: readonly string[],
  packages: Detected[],
  bare: string[],
): ProjectDetection {
  const testsIn = (dir: string) => subView(repo, dir).files.filter((f) => looksLikeTest(f));
  const runnerless = bare.find((dir) => testsIn(dir).length > 0);
  if (runnerless !== undefined)
    return {
      kind: 'unsupported',
      packages,
      problem: `Workspace package ${runnerless} has test files (${testsIn(runnerless)[0] ?? ''}) but no test runner agentctl recognises.`,
      fix: `Add a "test" script that runs its runner to ${runnerless}/package.json (vitest, jest, mocha, ava, node --test), or pick one runner for the whole repository with \`agentctl init --runner <name>\`.`,
    };
  const outside = repo.files.find((f) => looksLikeTest(f) && !dirs.some((d) => f.startsWith(`${d}/`)));
  if (outside !== undefined)
    return {
      kind: 'unsupported',
      packages,
      problem: `${outside} is a test outside every workspace package, and the packages use different runners, so no one runner covers it.`,
      fix: 'Move the root tests into a workspace package, make the root "test" script run the whole suite (agentctl then uses it), or write test.packages in agentctl.config.json by hand.',
    };
  return { kind: 'packages', packages, untested: bare };
}
