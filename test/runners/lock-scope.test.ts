import { describe, expect, it } from 'vitest';
import { classifyChange } from '../../gates/behavior-change.js';
import {
  checkConfigChanges,
  lockedConfigParts,
  lockedConfigPaths,
  testConfigPart,
} from '../../gates/lock-scope.js';
import { readLayout } from '../../gates/runners/index.js';
import { Config } from '../../src/policy/config-schema.js';
import { pathClassifier } from '../../src/policy/path-kinds.js';
import { memoryRepo } from './memory-repo.js';

const pkg = (extra: Record<string, unknown>) =>
  JSON.stringify(
    { name: 'x', scripts: { test: 'jest' }, devDependencies: { jest: '30.0.0' }, ...extra },
    null,
    2,
  );

const jestRepo = memoryRepo({
  'package.json': pkg({}),
  'jest.config.js': `module.exports = { setupFilesAfterEnv: ['<rootDir>/test/setup.js'], globalSetup: './test/global.js' };`,
  'test/setup.js': '',
  'test/global.js': '',
  'src/calc.js': '',
  'src/calc.test.js': '',
  '.npmrc': 'node-options=--require ./x.js\n',
  'agentctl.config.json': '{}',
  'README.md': '',
});
const jestConfig = Config.parse({ test: { runner: 'jest' } });

describe('lockedConfigPaths', () => {
  it('lists runner configs, the files they name, node start-up files and agentctl.config.json', async () => {
    expect(await lockedConfigPaths(jestConfig, jestRepo)).toEqual([
      '.npmrc',
      'agentctl.config.json',
      'jest.config.js',
      'test/global.js',
      'test/setup.js',
    ]);
  });

  it('keys the test part of package.json files, which a dependency bump leaves unchanged', async () => {
    const before = await lockedConfigParts(
      memoryRepo({ 'package.json': pkg({}), 'packages/a/package.json': '{}' }),
    );
    expect(Object.keys(before)).toEqual(['package.json#test-config', 'packages/a/package.json#test-config']);
    const bumped = await lockedConfigParts(
      memoryRepo({ 'package.json': pkg({ dependencies: { a: '2' } }), 'packages/a/package.json': '{}' }),
    );
    expect(bumped).toEqual(before);
    const keyed = await lockedConfigParts(
      memoryRepo({ 'package.json': pkg({ nyc: {} }), 'packages/a/package.json': '{}' }),
    );
    expect(keyed['package.json#test-config']).not.toEqual(before['package.json#test-config']);
  });

  it('lists a named setup file even before it exists', async () => {
    const repo = memoryRepo({ 'package.json': JSON.stringify({ ava: { require: ['./setup/env.js'] } }) });
    expect(await lockedConfigPaths(Config.parse({ test: { runner: 'ava' } }), repo)).toContain(
      'setup/env.js',
    );
  });
});

describe('checkConfigChanges', () => {
  const scopeOf = async () => pathClassifier(jestConfig, await readLayout('jest', jestRepo));

  const rows: Array<{
    name: string;
    path: string;
    before: string | null;
    after: string | null;
    ok: boolean;
  }> = [
    {
      name: 'a dependency bump',
      path: 'package.json',
      before: pkg({}),
      after: pkg({ dependencies: { lodash: '4' } }),
      ok: true,
    },
    {
      name: 'a "jest" key added',
      path: 'package.json',
      before: pkg({}),
      after: pkg({ jest: { setupFiles: ['./a.js'] } }),
      ok: false,
    },
    {
      name: 'a "mocha" key added',
      path: 'package.json',
      before: pkg({}),
      after: pkg({ mocha: { require: 'x' } }),
      ok: false,
    },
    {
      name: 'a new script',
      path: 'package.json',
      before: pkg({}),
      after: pkg({ scripts: { test: 'jest', pretest: 'node x' } }),
      ok: false,
    },
    {
      name: 'a babel.config.js added',
      path: 'babel.config.js',
      before: null,
      after: 'module.exports = {}',
      ok: false,
    },
    {
      name: 'an .npmrc changed',
      path: '.npmrc',
      before: 'a=1',
      after: 'node-options=--require ./x.js',
      ok: false,
    },
    {
      name: 'a named setup file edited',
      path: 'test/setup.js',
      before: '',
      after: 'expect.x = 1',
      ok: false,
    },
    {
      name: 'agentctl.config.json rewritten',
      path: 'agentctl.config.json',
      before: '{}',
      after: '{"paths":{}}',
      ok: false,
    },
    { name: 'production code', path: 'src/calc.js', before: 'a', after: 'b', ok: true },
    {
      name: 'pyproject pytest table',
      path: 'pyproject.toml',
      before: '[tool.pytest.ini_options]\naddopts = "-q"\n',
      after: '[tool.pytest.ini_options]\naddopts = "-p x"\n',
      ok: false,
    },
    {
      name: 'pyproject dependency',
      path: 'pyproject.toml',
      before: '[project]\ndependencies = []\n',
      after: '[project]\ndependencies = ["x"]\n',
      ok: true,
    },
  ];
  for (const row of rows)
    it(`${row.ok ? 'allows' : 'refuses'} ${row.name}`, async () => {
      const verdict = checkConfigChanges(
        [{ path: row.path, before: row.before, after: row.after }],
        await scopeOf(),
      );
      expect(verdict.ok).toBe(row.ok);
      if (!verdict.ok) {
        expect(verdict.paths).toEqual([row.path]);
        expect(verdict.message).toContain(row.path);
      }
    });

  it('names the package.json keys that changed', async () => {
    const verdict = checkConfigChanges(
      [{ path: 'package.json', before: pkg({}), after: pkg({ ava: {}, c8: {} }) }],
      await scopeOf(),
    );
    expect(!verdict.ok && verdict.message).toContain('package.json "ava", "c8"');
  });
});

describe('ci check classification', () => {
  const { kindOf } = pathClassifier(jestConfig);
  it('counts runner keys in package.json as test configuration, a dependency bump as a dependency', () => {
    const keyed = classifyChange(
      { path: 'package.json', status: 'modified', before: pkg({}), after: pkg({ jest: {} }) },
      kindOf,
    );
    expect(keyed.category).toBe('test_config');
    const bump = classifyChange(
      { path: 'package.json', status: 'modified', before: pkg({}), after: pkg({ dependencies: { a: '1' } }) },
      kindOf,
    );
    expect(bump.category).toBe('dependency');
  });

  it('counts babel.config.js and .npmrc as test configuration', () => {
    for (const path of ['babel.config.js', '.npmrc', 'packages/a/.babelrc.json'])
      expect(classifyChange({ path, status: 'added', before: null, after: 'x' }, kindOf).category).toBe(
        'test_config',
      );
  });

  it('leaves other files alone', () => {
    expect(testConfigPart('src/a.js', 'x')).toBeNull();
  });
});
