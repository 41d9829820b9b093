import type { Config } from '../src/policy/config-schema.js';
import { pathClassifier, type PathKind } from '../src/policy/path-kinds.js';
import { readLayout, RUNNER_PROFILES } from './runners/index.js';
import { sectionText } from './runners/text-config.js';
import type { RepoView } from './runners/types.js';

/**
 * Keys of package.json that change how tests run: every runner's own key, coverage and transpiler keys, and
 * the scripts (a "pretest" or a wrapper script runs before any test). Dependencies are not among them.
 */
export const PACKAGE_TEST_KEYS = [
  ...new Set([
    ...Object.values(RUNNER_PROFILES).flatMap((p) => p.packageKeys),
    'scripts',
    'vitest',
    'c8',
    'nyc',
    'babel',
    'jasmine',
    'tap',
  ]),
].sort();

// pytest reads its options from these tables of pyproject.toml; the rest of the file is the project's.
const PYPROJECT_TABLES = ['tool.pytest.ini_options', 'tool.pytest'];

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The part of a file that configures tests, when only part of it does: package.json's test keys, the pytest
 * tables of pyproject.toml. Null for any other file (it is locked whole, or not at all). Unparseable JSON
 * counts whole, so a broken package.json cannot hide a change.
 */
export function testConfigPart(path: string, text: string | null): string | null {
  const name = baseName(path);
  if (name === 'package.json') {
    if (text === null) return '[]';
    let pkg: unknown;
    try {
      pkg = JSON.parse(text);
    } catch {
      return text;
    }
    if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) return text;
    const picked = PACKAGE_TEST_KEYS.filter((k) => k in pkg).map((k) => [
      k,
      (pkg as Record<string, unknown>)[k],
    ]);
    return JSON.stringify(picked);
  }
  if (name === 'pyproject.toml')
    return text === null ? '' : PYPROJECT_TABLES.map((t) => sectionText(text, t) ?? '').join('\n[]\n');
  return null;
}

/** The package.json keys (or pyproject tables) whose test configuration differs between two versions. */
function changedParts(path: string, before: string | null, after: string | null): string[] {
  if (baseName(path) === 'pyproject.toml')
    return PYPROJECT_TABLES.filter(
      (t) =>
        (before === null ? null : sectionText(before, t)) !== (after === null ? null : sectionText(after, t)),
    ).map((t) => `[${t}]`);
  const keys = (text: string | null): Record<string, unknown> | null => {
    try {
      const v = JSON.parse(text ?? '{}') as unknown;
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const a = keys(before);
  const b = keys(after);
  if (a === null || b === null) return ['(unparseable)'];
  return PACKAGE_TEST_KEYS.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((k) => `"${k}"`);
}

/**
 * Files locked whole as test configuration in a worktree: every runner's config files, transpiler and node
 * start-up configs, agentctl.config.json, `paths.testConfig`, and the files the runner's configuration names
 * (setup files, required modules, ts-jest's tsconfig), listed even when absent so that creating one is a
 * change. package.json and pyproject.toml are locked by part: see {@link testConfigPart}.
 */
export async function lockedConfigPaths(
  config: Pick<Config, 'test' | 'paths'>,
  repo: RepoView,
): Promise<string[]> {
  const layout = await readLayout(config.test, repo);
  const { kindOf } = pathClassifier(config, layout);
  const found = repo.files.filter((f) => kindOf(f) === 'test_config');
  return [...new Set([...found, ...layout.namedFiles])].sort();
}

/** One file a fix changes: its text before and after (null when absent). */
export interface ConfigChange {
  path: string;
  before: string | null;
  after: string | null;
}

/** Whether a fix leaves test configuration alone; if not, which files (and keys) it changes. */
export type ConfigVerdict =
  { ok: true } | { ok: false; rule: 'locked_config'; paths: string[]; message: string };

/**
 * Refuses a fix that changes test configuration: a locked config file (by `scope.kindOf`, the run's path
 * classifier) or the test part of package.json / pyproject.toml. A dependency bump in package.json passes.
 */
export function checkConfigChanges(
  changes: readonly ConfigChange[],
  scope: { kindOf(path: string): PathKind },
): ConfigVerdict {
  const paths: string[] = [];
  const found: string[] = [];
  for (const change of changes) {
    if (change.before === change.after) continue;
    if (scope.kindOf(change.path) === 'test_config') {
      paths.push(change.path);
      found.push(change.path);
      continue;
    }
    const before = testConfigPart(change.path, change.before);
    if (before === null || before === testConfigPart(change.path, change.after)) continue;
    paths.push(change.path);
    found.push(`${change.path} ${changedParts(change.path, change.before, change.after).join(', ')}`);
  }
  if (found.length === 0) return { ok: true };
  return {
    ok: false,
    rule: 'locked_config',
    paths,
    message: `the fix changes test configuration, which is locked with the tests: ${found.join('; ')}. Change production code only; a change to how tests run belongs in its own commit, made outside agentctl`,
  };
}

/**
 * The test part of every package.json and pyproject.toml in a worktree, keyed `<path>#test-config`, for LOCK to
 * hash beside the files of {@link lockedConfigPaths} (package.json itself stays writable for dependency bumps).
 */
export async function lockedConfigParts(repo: RepoView): Promise<Record<string, string>> {
  const parts: Record<string, string> = {};
  for (const path of repo.files) {
    const part = testConfigPart(path, null) === null ? null : testConfigPart(path, await repo.read(path));
    if (part !== null) parts[`${path}#test-config`] = part;
  }
  return parts;
}
