import { jestAdapter } from '../adapters/jest.js';
import { detectJsRunner, firstPresent, localFiles, readPackageJson, repoPath } from './project.js';
import {
  looseJson,
  staticExport,
  stringList,
  UNREADABLE,
  valueAt,
  type StaticValue,
} from './static-config.js';
import type { RepoView, RunnerProfile } from './types.js';

const CONFIGS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json'].map((e) => `jest.config.${e}`);
const DEFAULT_TESTS = ['**/__tests__/**/*.?([mc])[jt]s?(x)', '**/?(*.)+(spec|test).?([mc])[jt]s?(x)'];
const NAMED_KEYS = ['setupFiles', 'setupFilesAfterEnv', 'globalSetup', 'globalTeardown', 'snapshotResolver'];

/** jest's configuration: the "jest" key of package.json, else jest.config.*; null when neither. */
async function jestConfig(repo: RepoView): Promise<{ config: StaticValue; where: string } | null> {
  const key = (await readPackageJson(repo))?.jest;
  if (key !== undefined) return { config: key as StaticValue, where: 'package.json "jest"' };
  const file = firstPresent(repo, CONFIGS);
  if (file === undefined) return null;
  const text = (await repo.read(file)) ?? '';
  const config = file.endsWith('.json')
    ? ((looseJson(text) ?? UNREADABLE) as StaticValue)
    : staticExport(text, file);
  return { config, where: file };
}

/** The tsconfig ts-jest compiles tests with, when the config uses ts-jest. */
function tsJestConfig(config: StaticValue): string[] {
  const text = JSON.stringify(config === UNREADABLE ? null : config) ?? '';
  if (!text.includes('ts-jest')) return [];
  const named = /"tsconfig"\s*:\s*"([^"]+)"/.exec(text)?.[1];
  return [named === undefined ? 'tsconfig.json' : repoPath(named)];
}

/** jest: `testMatch` under `roots` from package.json "jest" or a literal jest.config.*, else jest's defaults. */
export const jestProfile: RunnerProfile = {
  runner: 'jest',
  detect: (project) =>
    Promise.resolve(
      detectJsRunner(project, 'jest', {
        configFile: /^jest\.config\.[cm]?[jt]s(?:on)?$/,
        packageKey: 'jest',
      }),
    ),
  defaultCommand: ['npx', 'jest'],
  defaultTests: DEFAULT_TESTS,
  configFiles: ['**/jest.config.*', '**/jest.preset.*'],
  packageKeys: ['jest'],
  async layout(repo) {
    const found = await jestConfig(repo);
    if (found === null) return { tests: DEFAULT_TESTS, namedFiles: [], source: "jest's default testMatch" };
    const { config, where } = found;
    const named = [
      ...NAMED_KEYS.flatMap((k) => {
        const list = stringList(valueAt(config, k));
        return list === null || list === UNREADABLE ? [] : localFiles(list, repo);
      }),
      ...tsJestConfig(config),
    ];
    const match = stringList(valueAt(config, 'testMatch'));
    const roots = stringList(valueAt(config, 'roots'));
    const regex = valueAt(config, 'testRegex');
    const readable = match !== UNREADABLE && roots !== UNREADABLE && regex === undefined;
    const patterns = readable && match !== null ? match.map(repoPath) : DEFAULT_TESTS;
    // testMatch globs match whole paths; under roots they apply inside each root.
    const tests =
      readable && roots !== null
        ? roots.flatMap((r) => patterns.map((p) => (repoPath(r) === '' ? p : `${repoPath(r)}/${p}`)))
        : patterns;
    const source = !readable
      ? `jest's default testMatch (${where} uses testRegex or computed values)`
      : match !== null
        ? `testMatch in ${where}`
        : `jest's default testMatch${roots !== null ? ` under roots in ${where}` : ''}`;
    return { tests, namedFiles: named, source };
  },
  caches: ['node_modules/.cache/jest'],
  adapter: jestAdapter,
};
