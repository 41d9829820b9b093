import type { Runner } from '../../src/policy/config-schema.js';
import { avaProfile } from './ava.js';
import { jestProfile } from './jest.js';
import { junitProfile } from './junit.js';
import { mochaProfile } from './mocha.js';
import { nodeTestProfile } from './node-test.js';
import { pytestProfile } from './pytest.js';
import type { RepoView, RunnerProfile, TestLayout } from './types.js';
import { vitestProfile } from './vitest.js';

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

/** A runner's layout from its documented defaults alone, for callers that cannot read the repo. */
export function defaultLayout(runner: Runner): TestLayout {
  const profile = profileFor(runner);
  return {
    tests: profile.defaultTests,
    testConfig: [...TOOL_CONFIG_FILES, ...allRunnerConfigFiles()],
    namedFiles: [],
    source: `${runner}'s defaults`,
  };
}

/** Which files the configured runner treats as tests, and which configure it, read from the repo. */
export async function readLayout(runner: Runner, repo: RepoView): Promise<TestLayout> {
  const read = await profileFor(runner).layout(repo);
  return { ...read, testConfig: [...TOOL_CONFIG_FILES, ...allRunnerConfigFiles()] };
}
