import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { readLayout, RUNNER_PROFILES } from '../../gates/runners/index.js';
import { detectProject } from '../../gates/runners/detect.js';
import { Config, RUNNERS, type Runner } from '../../src/policy/config-schema.js';
import { pathClassifier } from '../../src/policy/path-kinds.js';
import { memoryRepo } from './memory-repo.js';

const matches = (globs: string[], path: string) => picomatch(globs, { dot: true })(path);

describe('runner registry', () => {
  it('has one profile per runner, each naming its own runner', () => {
    expect(Object.keys(RUNNER_PROFILES).sort()).toEqual([...RUNNERS].sort());
    for (const [runner, profile] of Object.entries(RUNNER_PROFILES)) expect(profile.runner).toBe(runner);
  });
});

describe('test globs come from the runner configuration', () => {
  const cases: Array<{
    runner: Runner;
    files: Record<string, string>;
    test: string;
    notTest?: string;
    source: RegExp;
  }> = [
    {
      runner: 'vitest',
      files: {
        'vitest.config.mts': `import { defineConfig } from 'vitest/config';\nconst include = ['checks/**/*.check.ts'];\nexport default defineConfig({ test: { include, setupFiles: ['./checks/setup.ts'] } });\n`,
      },
      test: 'checks/deep/a.check.ts',
      notTest: 'src/a.test.ts',
      source: /test\.include in vitest\.config\.mts/,
    },
    {
      runner: 'vitest',
      files: { 'vite.config.ts': `export default { test: { include: computeIt() } }` },
      test: 'src/a.spec.tsx',
      source: /computed/,
    },
    {
      runner: 'jest',
      files: {
        'package.json': JSON.stringify({ jest: { testMatch: ['**/*.check.js'], roots: ['<rootDir>/lib'] } }),
      },
      test: 'lib/x/y.check.js',
      notTest: 'other/y.check.js',
      source: /testMatch in package\.json "jest"/,
    },
    {
      runner: 'jest',
      files: { 'jest.config.js': `module.exports = { testMatch: ['<rootDir>/checks/**/*.js'] };` },
      test: 'checks/a.js',
      source: /jest\.config\.js/,
    },
    {
      runner: 'ava',
      files: { 'package.json': JSON.stringify({ ava: { files: ['checks/**/*', '!checks/helpers/**'] } }) },
      test: 'checks/a.js',
      source: /files in package\.json "ava"/,
    },
    {
      runner: 'ava',
      files: { 'package.json': '{}' },
      test: 'test.js',
      notTest: 'lib/index.js',
      source: /default/,
    },
    {
      runner: 'mocha',
      files: { '.mocharc.yml': 'spec: spec\nrequire:\n  - ./spec/setup.js\n', 'spec/setup.js': '' },
      test: 'spec/deep/a.js',
      source: /spec in \.mocharc\.yml/,
    },
    { runner: 'node', files: {}, test: 'src/calc_test.js', notTest: 'src/calc.js', source: /node --test/ },
    {
      runner: 'pytest',
      files: {
        'pyproject.toml': `[project]\nname = "x"\n\n[tool.pytest.ini_options]\ntestpaths = [\n  "testing",\n]\npython_files = ["check_*.py"]\n`,
      },
      test: 'testing/unit/check_calc.py',
      notTest: 'testing/test_calc.py',
      source: /pyproject\.toml/,
    },
    {
      runner: 'pytest',
      files: { 'setup.cfg': '[tool:pytest]\ntestpaths =\n    checks\n' },
      test: 'checks/test_a.py',
      notTest: 'src/test_a.py',
      source: /setup\.cfg/,
    },
  ];
  for (const c of cases)
    it(`${c.runner}: ${Object.keys(c.files).join(', ') || 'no config'}`, async () => {
      const layout = await readLayout(c.runner, memoryRepo(c.files));
      expect(layout.source).toMatch(c.source);
      expect(matches(layout.tests, c.test)).toBe(true);
      if (c.notTest !== undefined) expect(matches(layout.tests, c.notTest)).toBe(false);
    });

  it('names setup files and required modules as test configuration', async () => {
    const repo = memoryRepo({
      '.mocharc.yml': 'spec: spec\nrequire:\n  - ./spec/setup.js\n  - ts-node/register\n',
      'spec/setup.js': '',
    });
    const layout = await readLayout('mocha', repo);
    expect(layout.namedFiles).toEqual(['spec/setup.js']);
    const jest = await readLayout(
      'jest',
      memoryRepo({
        'package.json': JSON.stringify({
          jest: { preset: 'ts-jest', setupFilesAfterEnv: ['<rootDir>/jest.setup.js'] },
        }),
      }),
    );
    expect(jest.namedFiles.sort()).toEqual(['jest.setup.js', 'tsconfig.json']);
  });
});

describe('path classification uses the profile', () => {
  it('a file node --test discovers is a test even when paths.tests says otherwise', () => {
    const config = Config.parse({ test: { runner: 'node' }, paths: { tests: ['spec/**'] } });
    const { kindOf } = pathClassifier(config);
    expect(kindOf('src/calc_test.js')).toBe('test');
    expect(kindOf('spec/a.js')).toBe('test');
    expect(kindOf('src/calc.js')).toBe('production');
  });

  it("ava's root test.js is a test; tool configs and agentctl.config.json are test configuration", () => {
    const { kindOf } = pathClassifier(Config.parse({ test: { runner: 'ava' } }));
    expect(kindOf('test.js')).toBe('test');
    for (const path of [
      'babel.config.js',
      '.babelrc',
      'pkg/.swcrc',
      '.npmrc',
      'agentctl.config.json',
      'vite.config.ts',
    ])
      expect(kindOf(path)).toBe('test_config');
  });
});

describe('detection', () => {
  it('finds vitest behind a wrapper script by its config file', async () => {
    const found = await detectProject(
      memoryRepo({
        'package.json': JSON.stringify({
          scripts: { test: 'node scripts/test.mjs' },
          devDependencies: { vitest: '4' },
        }),
        'vitest.config.mts': 'export default {}',
      }),
    );
    expect(found.kind).toBe('single');
    if (found.kind === 'single') expect(found.detected.runner).toBe('vitest');
  });

  it('finds pytest from pyproject.toml with tests in testing/', async () => {
    const found = await detectProject(
      memoryRepo({
        'pyproject.toml': '[tool.pytest.ini_options]\ntestpaths = ["testing"]\n',
        'testing/test_calc.py': '',
      }),
    );
    expect(found.kind === 'single' && found.detected.runner).toBe('pytest');
  });

  it('names each workspace package and its runner when they differ', async () => {
    const found = await detectProject(
      memoryRepo({
        'package.json': JSON.stringify({ workspaces: ['packages/*'] }),
        'packages/a/package.json': JSON.stringify({ scripts: { test: 'jest' } }),
        'packages/b/package.json': JSON.stringify({ scripts: { test: 'vitest run' } }),
      }),
    );
    expect(found.kind).toBe('packages');
    if (found.kind === 'packages')
      expect(found.packages.map((p) => `${p.dir}:${p.runner}`)).toEqual([
        'packages/a:jest',
        'packages/b:vitest',
      ]);
  });

  it('reads pnpm-workspace.yaml', async () => {
    const found = await detectProject(
      memoryRepo({
        'package.json': '{}',
        'pnpm-workspace.yaml': "packages:\n  - 'libs/*'\n",
        'libs/x/package.json': JSON.stringify({ devDependencies: { mocha: '1' } }),
        'libs/y/package.json': JSON.stringify({ devDependencies: { mocha: '1' } }),
      }),
    );
    expect(found.kind === 'single' && found.detected.runner).toBe('mocha');
  });
});
