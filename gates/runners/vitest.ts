import { vitestAdapter } from '../adapters/vitest.js';
import { detectJsRunner, firstPresent, globOrFolder, localFiles, repoPath } from './project.js';
import { staticExport, stringList, UNREADABLE, valueAt, type StaticValue } from './static-config.js';
import type { RunnerProfile } from './types.js';

const EXT = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'];
const CONFIGS = [...EXT.map((e) => `vitest.config.${e}`), ...EXT.map((e) => `vite.config.${e}`)];
const DEFAULT_TESTS = ['**/*.{test,spec}.?(c|m)[jt]s?(x)'];

/** vitest: `include` from vitest.config.* or vite.config.* when it is literal, else vitest's default. */
export const vitestProfile: RunnerProfile = {
  runner: 'vitest',
  detect: (project) =>
    Promise.resolve(
      detectJsRunner(project, 'vitest', {
        configFile: /^vitest\.(?:config|workspace)\.[cm]?[jt]s$/,
      }) ??
        // A vite config alone says vitest only when vitest is installed too.
        (project.files.some((f) => /^vite\.config\.[cm]?[jt]s$/.test(f)) &&
        { ...project.pkg?.dependencies, ...project.pkg?.devDependencies }.vitest !== undefined
          ? { strength: 2 as const, why: 'vite.config with vitest installed' }
          : null),
    ),
  defaultCommand: ['npx', 'vitest', 'run'],
  defaultTests: DEFAULT_TESTS,
  configFiles: ['**/vitest.config.*', '**/vite.config.*', '**/vitest.workspace.*', '**/vitest.setup.*'],
  packageKeys: [],
  async layout(repo) {
    const file = firstPresent(repo, CONFIGS);
    if (file === undefined)
      return { tests: DEFAULT_TESTS, namedFiles: [], source: "vitest's default include" };
    const text = (await repo.read(file)) ?? '';
    const config = staticExport(text, file);
    const test = valueAt(config, 'test');
    const dir = valueAt(test, 'dir');
    const prefix = typeof dir === 'string' && repoPath(dir) !== '' ? `${repoPath(dir)}/` : '';
    const lists: Array<StaticValue | undefined> = [valueAt(test, 'setupFiles'), valueAt(test, 'globalSetup')];
    const named = lists.flatMap((v) => {
      const list = stringList(v);
      return list === null || list === UNREADABLE ? [] : localFiles(list, repo);
    });
    const include = stringList(valueAt(test, 'include'));
    if (include === UNREADABLE)
      return {
        tests: DEFAULT_TESTS.map((g) => prefix + g),
        namedFiles: named,
        source: `vitest's default include (the include in ${file} is computed, so it cannot be read)`,
      };
    if (include === null)
      return {
        tests: DEFAULT_TESTS.map((g) => prefix + g),
        namedFiles: named,
        source: `vitest's default include (${file} sets none)`,
      };
    return {
      tests: include.map((g) => prefix + globOrFolder(g)),
      namedFiles: named,
      source: `test.include in ${file}`,
    };
  },
  caches: ['node_modules/.vite', 'node_modules/.vite-temp', 'node_modules/.vitest'],
  adapter: vitestAdapter,
};
