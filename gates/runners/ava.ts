import { avaAdapter } from '../adapters/ava.js';
import { detectJsRunner, firstPresent, globOrFolder, localFiles, readPackageJson } from './project.js';
import { staticExport, stringList, UNREADABLE, valueAt, type StaticValue } from './static-config.js';
import type { RepoView, RunnerProfile } from './types.js';

const JS = '{js,cjs,mjs}';
// ava's documented default `files`.
const DEFAULT_TESTS = [
  `test.${JS}`,
  `src/test.${JS}`,
  `source/test.${JS}`,
  `**/test-*.${JS}`,
  `**/*.spec.${JS}`,
  `**/*.test.${JS}`,
  `**/test/**/*.${JS}`,
  `**/tests/**/*.${JS}`,
  `**/__tests__/**/*.${JS}`,
];

async function avaConfig(repo: RepoView): Promise<{ config: StaticValue; where: string } | null> {
  const key = (await readPackageJson(repo))?.ava;
  if (key !== undefined) return { config: key as StaticValue, where: 'package.json "ava"' };
  const file = firstPresent(repo, ['ava.config.js', 'ava.config.cjs', 'ava.config.mjs']);
  if (file === undefined) return null;
  return { config: staticExport((await repo.read(file)) ?? '', file), where: file };
}

/** ava: `files` and `require` from package.json "ava" or ava.config.*, else ava's defaults (root `test.js`…). */
export const avaProfile: RunnerProfile = {
  runner: 'ava',
  detect: (project) =>
    Promise.resolve(
      detectJsRunner(project, 'ava', { configFile: /^ava\.config\.[cm]?js$/, packageKey: 'ava' }),
    ),
  defaultCommand: ['npx', 'ava'],
  defaultTests: DEFAULT_TESTS,
  configFiles: ['**/ava.config.*'],
  packageKeys: ['ava'],
  async layout(repo) {
    const found = await avaConfig(repo);
    if (found === null) return { tests: DEFAULT_TESTS, namedFiles: [], source: "ava's default files" };
    const required = stringList(valueAt(found.config, 'require'));
    const named = required === null || required === UNREADABLE ? [] : localFiles(required, repo);
    const files = stringList(valueAt(found.config, 'files'));
    if (files === null || files === UNREADABLE)
      return {
        tests: DEFAULT_TESTS,
        namedFiles: named,
        source: `ava's default files (${found.where} ${files === null ? 'sets none' : 'computes them'})`,
      };
    // Negated patterns only narrow ava's selection; counting those files as tests too is the safe side.
    const tests = files.filter((f) => !f.startsWith('!')).map(globOrFolder);
    return { tests, namedFiles: named, source: `files in ${found.where}` };
  },
  caches: ['node_modules/.cache/ava'],
  adapter: avaAdapter,
};
