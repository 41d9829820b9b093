import type { Runner } from '../../src/policy/config-schema.js';
import { avaProfile } from './ava.js';
import { jestProfile } from './jest.js';
import { junitProfile } from './junit.js';
import { mochaProfile } from './mocha.js';
import { nodeTestProfile } from './node-test.js';
import { pytestProfile } from './pytest.js';
import { subView } from './repo-view.js';
import { suiteParts, type SuiteSpec } from './suite.js';
import type { RepoView, RunnerProfile, TestLayout } from './types.js';
import { vitestProfile } from './vitest.js';

export { suiteParts, type SuitePart, type SuiteSpec } from './suite.js';
export type { Detection, PackageJson, ProjectFacts, RepoView, RunnerProfile, TestLayout } from './types.js';

/** Every runner agentctl knows; adding one is a profile folder and one line here (the compiler asks for it). */
export const RUNNER_PROFILES = {
  vitest: vitestProfile,
  jest: jestProfile,
  mocha: mochaProfile,
  ava: avaProfile,
  pytest: pytestProfile,
  node: nodeTestProfile,
  junit: junitProfile,
} satisfies Record<Runner, RunnerProfile>;

/** The profile of one runner. */
export function profileFor(runner: Runner): RunnerProfile {
  return RUNNER_PROFILES[runner];
}

/**
 * Files that change how any test run behaves whatever the runner: transpilers tests load, files that change
 * how node or npm start, and agentctl's own policy.
 */
export const TOOL_CONFIG_FILES = [
  'agentctl.config.json',
  '**/babel.config.*',
  '**/.babelrc',
  '**/.babelrc.*',
  '**/.swcrc',
  '**/.npmrc',
  '**/.node-options',
  '.nvmrc',
  '.node-version',
  '.yarnrc',
  '.yarnrc.yml',
  '.pnpmfile.cjs',
];

/** Config globs of every runner, so a fix cannot add another runner's configuration either. */
export function allRunnerConfigFiles(): string[] {
  return [...new Set(Object.values(RUNNER_PROFILES).flatMap((p) => p.configFiles))];
}

function prefixed(dir: string, globs: readonly string[]): string[] {
  return dir === '' ? [...globs] : globs.map((g) => `${dir}/${g}`);
}

/** A suite's layout from its runners' documented defaults alone, for callers that cannot read the repo. */
export function defaultLayout(suite: SuiteSpec | Runner): TestLayout {
  const parts = suiteParts(suite);
  return {
    tests: parts.flatMap((p) => prefixed(p.dir, profileFor(p.runner).defaultTests)),
    testConfig: [...TOOL_CONFIG_FILES, ...allRunnerConfigFiles()],
    namedFiles: [],
    source: parts.map((p) => (p.dir === '' ? '' : `${p.dir}: `) + `${p.runner}'s defaults`).join('; '),
  };
}

/**
 * Which files the suite's runners treat as tests, and which configure them, read from the repo. With workspace
 * packages, each package's runner reads its own folder and the globs it finds are put under that folder.
 */
export async function readLayout(suite: SuiteSpec | Runner, repo: RepoView): Promise<TestLayout> {
  const layouts = await Promise.all(
    suiteParts(suite).map(async (p) => ({
      dir: p.dir,
      read: await profileFor(p.runner).layout(subView(repo, p.dir)),
    })),
  );
  return {
    tests: layouts.flatMap((l) => prefixed(l.dir, l.read.tests)),
    namedFiles: layouts.flatMap((l) => prefixed(l.dir, l.read.namedFiles)),
    source: layouts.map((l) => (l.dir === '' ? '' : `${l.dir}: `) + l.read.source).join('; '),
    testConfig: [...TOOL_CONFIG_FILES, ...allRunnerConfigFiles()],
  };
}

/**
 * The suite's command as configured, without report flags, for people to read: a package's command is prefixed
 * `cd <dir> &&`. Null when a part has no command (runner "junit" without test.command).
 */
export function suiteCommand(suite: SuiteSpec): string[] | null {
  const parts = suiteParts(suite);
  const commands = parts.map((p) => p.command ?? profileFor(p.runner).defaultCommand);
  if (commands.some((c) => c === null)) return null;
  if (parts.length === 1 && parts[0]?.dir === '') return commands[0] ?? null;
  return parts.flatMap((p, i) => [...(i > 0 ? [';'] : []), 'cd', p.dir, '&&', ...(commands[i] ?? [])]);
}
