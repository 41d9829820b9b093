import { mochaAdapter } from '../adapters/mocha.js';
import { detectJsRunner, firstPresent, globOrFolder, localFiles, readPackageJson } from './project.js';
import {
  looseJson,
  staticExport,
  stringList,
  UNREADABLE,
  valueAt,
  type StaticValue,
} from './static-config.js';
import { yamlTopLevel } from './text-config.js';
import type { RepoView, RunnerProfile } from './types.js';

const CONFIGS = [
  '.mocharc.js',
  '.mocharc.cjs',
  '.mocharc.mjs',
  '.mocharc.yaml',
  '.mocharc.yml',
  '.mocharc.jsonc',
  '.mocharc.json',
];
const DEFAULT_TESTS = ['test/*.{js,cjs,mjs}'];

/** mocha's configuration in its own precedence: .mocharc.* first, then package.json "mocha". */
async function mochaConfig(repo: RepoView): Promise<{ config: StaticValue; where: string } | null> {
  const file = firstPresent(repo, CONFIGS);
  if (file !== undefined) {
    const text = (await repo.read(file)) ?? '';
    const config: StaticValue = /\.ya?ml$/.test(file)
      ? yamlTopLevel(text)
      : /\.jsonc?$/.test(file)
        ? ((looseJson(text) ?? UNREADABLE) as StaticValue)
        : staticExport(text, file);
    return { config, where: file };
  }
  const key = (await readPackageJson(repo))?.mocha;
  return key === undefined ? null : { config: key as StaticValue, where: 'package.json "mocha"' };
}

/** mocha: `spec` and `require` from .mocharc.* or package.json "mocha", else `./test/*.{js,cjs,mjs}`. */
export const mochaProfile: RunnerProfile = {
  runner: 'mocha',
  detect: (project) =>
    Promise.resolve(
      detectJsRunner(project, 'mocha', { configFile: /^\.mocharc(?:\.\w+)?$/, packageKey: 'mocha' }),
    ),
  defaultCommand: ['npx', 'mocha'],
  defaultTests: DEFAULT_TESTS,
  configFiles: ['**/.mocharc', '**/.mocharc.*'],
  packageKeys: ['mocha'],
  async layout(repo) {
    const found = await mochaConfig(repo);
    if (found === null) return { tests: DEFAULT_TESTS, namedFiles: [], source: "mocha's default spec" };
    const named = ['require', 'file'].flatMap((k) => {
      const list = stringList(valueAt(found.config, k));
      return list === null || list === UNREADABLE ? [] : localFiles(list, repo);
    });
    const spec = stringList(valueAt(found.config, 'spec'));
    if (spec === null || spec === UNREADABLE)
      return {
        tests: DEFAULT_TESTS,
        namedFiles: named,
        source: `mocha's default spec (${found.where} ${spec === null ? 'sets none' : 'computes it'})`,
      };
    return { tests: spec.map(globOrFolder), namedFiles: named, source: `spec in ${found.where}` };
  },
  caches: [],
  adapter: mochaAdapter,
};
