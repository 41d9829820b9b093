import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/policy/config.js';
import { agentctl } from '../helpers/cli.js';
import { cleanupCorpus, corpusRepo } from './corpus.js';

afterAll(cleanupCorpus);

const TIMEOUT = 180_000;

async function init(layout: string, args: string[] = []) {
  const { dir, cache } = await corpusRepo(layout);
  const run = await agentctl(['init', ...args], dir, { AGENTCTL_CACHE_DIR: cache });
  const config = await readFile(join(dir, 'agentctl.config.json'), 'utf8').catch(() => null);
  return { dir, run, config };
}

// Each fixture is a real layout: where its tests live comes from the runner's own configuration.
const CORPUS: Array<{ layout: string; runner: string; tests: RegExp }> = [
  {
    layout: 'vitest-config',
    runner: 'vitest',
    tests: /src\/\*\*\/\*\.check\.ts \(test\.include in vitest\.config\.mts\)/,
  },
  {
    layout: 'vite-config',
    runner: 'vitest',
    tests: /tests\/\*\*\/\*\.spec\.js \(test\.include in vite\.config\.ts\)/,
  },
  { layout: 'ava-root', runner: 'ava', tests: /test\.\{js,cjs,mjs\}.*ava's default files/ },
  {
    layout: 'jest-testmatch',
    runner: 'jest',
    tests: /checks\/\*\*\/\*\.check\.js \(testMatch in package\.json "jest"\)/,
  },
  { layout: 'mocha-spec', runner: 'mocha', tests: /spec\/\*\*\/\*\.spec\.js \(spec in \.mocharc\.yml\)/ },
  { layout: 'node-test', runner: 'node', tests: /node --test's naming rules/ },
  { layout: 'pytest-pyproject', runner: 'pytest', tests: /testing\/\*\*\/test_\*\.py.*pyproject\.toml/ },
];

describe('agentctl init on the conformance corpus', () => {
  for (const c of CORPUS)
    it(
      `${c.layout}: detects ${c.runner}, runs the suite in the sandbox and writes a working config`,
      async () => {
        const { run, config } = await init(c.layout);
        expect(run.stderr).toContain('Running the whole suite once');
        expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
        expect(run.stdout).toMatch(c.tests);
        expect(run.stdout).toMatch(
          /Verified: ran `.+` at [0-9a-f]{12} in the sandbox in [\d.]+ s: 2 tests collected, 2 passing, 0 failing\./,
        );
        expect(run.stdout).toContain('--model anthropic:<model-name>');
        expect(parseConfig(config ?? '').test.runner).toBe(c.runner);
      },
      TIMEOUT,
    );

  it(
    'reports tests failing before any change and that the gates hold them aside (--json)',
    async () => {
      const { dir, cache } = await corpusRepo('mocha-spec');
      const spec = join(dir, 'spec', 'slug.spec.js');
      await writeFile(
        spec,
        `${await readFile(spec, 'utf8')}\ndescribe('trim', () => { it('trims', () => { assert.equal(slug(' a '), 'a'); }); });\n`,
      );
      await execa('git', ['-c', 'user.email=t@e.com', '-c', 'user.name=t', 'commit', '-qam', 'failing'], {
        cwd: dir,
      });
      const text = await agentctl(['init'], dir, { AGENTCTL_CACHE_DIR: cache });
      expect(text.exitCode, text.stderr).toBe(0);
      expect(text.stdout).toContain('3 tests collected, 2 passing, 1 failing');
      expect(text.stdout).toMatch(/gates hold these aside[^\n]*\n\s+spec\/slug\.spec\.js > trim > trims/);
      const json = await agentctl(['init', '--force', '--json'], dir, { AGENTCTL_CACHE_DIR: cache });
      const line = JSON.parse(json.stdout.trim()) as {
        ok: boolean;
        verified: { collected: number; failing: string[] };
      };
      expect(line.ok).toBe(true);
      expect(line.verified.collected).toBe(3);
      expect(line.verified.failing).toEqual(['spec/slug.spec.js > trim > trims']);
    },
    TIMEOUT,
  );

  it(
    'refuses to write a config whose suite collects no tests, showing the runner output',
    async () => {
      const { dir, cache } = await corpusRepo('node-test');
      await rm(join(dir, 'test'), { recursive: true });
      await execa('git', ['-c', 'user.email=t@e.com', '-c', 'user.name=t', 'commit', '-qam', 'no tests'], {
        cwd: dir,
      });
      const run = await agentctl(['init'], dir, { AGENTCTL_CACHE_DIR: cache });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/The suite collected no tests: `node --test` \(runner node\)/);
      expect(run.stderr).toContain("The end of the runner's output:");
      expect(run.stderr).toContain('agentctl.config.json was not written');
      expect(await readFile(join(dir, 'agentctl.config.json'), 'utf8').catch(() => null)).toBeNull();
    },
    TIMEOUT,
  );

  it(
    'npm-workspaces: runs each package with its own runner in its folder, in the sandbox, and writes test.packages',
    async () => {
      const { run, config } = await init('npm-workspaces');
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(
        /Detected one runner per workspace package: packages\/dates vitest \(package\.json "test" script runs vitest\); packages\/money jest \(package\.json "test" script runs jest\)\./,
      );
      expect(run.stdout).toMatch(
        /Test files: packages\/dates\/\*\*\/\*\.\{test,spec\}.*packages\/money\/\*\*\/__tests__/,
      );
      expect(run.stdout).toMatch(
        /Verified: ran `cd packages\/dates && npx vitest run ; cd packages\/money && npx jest` at [0-9a-f]{12} in the sandbox in [\d.]+ s: 2 tests collected, 2 passing, 0 failing\./,
      );
      const test = parseConfig(config ?? '').test;
      expect(test.runner).toBeUndefined();
      expect(test.packages).toEqual([
        { dir: 'packages/dates', runner: 'vitest' },
        { dir: 'packages/money', runner: 'jest' },
      ]);
    },
    TIMEOUT,
  );

  it(
    'says plainly that a workspace package with tests but no runner it recognises is not supported (exit 2)',
    async () => {
      const { dir, cache } = await corpusRepo('npm-workspaces');
      await mkdir(join(dir, 'packages', 'util'));
      await writeFile(join(dir, 'packages', 'util', 'package.json'), '{ "name": "util" }\n');
      await writeFile(join(dir, 'packages', 'util', 'util.test.js'), "console.log('ok');\n");
      await execa('git', ['add', '-A'], { cwd: dir });
      await execa('git', ['-c', 'user.email=t@e.com', '-c', 'user.name=t', 'commit', '-qm', 'util'], {
        cwd: dir,
      });
      const run = await agentctl(['init'], dir, { AGENTCTL_CACHE_DIR: cache });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain(
        'Workspace package packages/util has test files (util.test.js) but no test runner agentctl recognises.',
      );
      expect(run.stderr).toContain('packages/dates: vitest');
      expect(run.stderr).toContain('Add a "test" script that runs its runner to packages/util/package.json');
      expect(await readFile(join(dir, 'agentctl.config.json'), 'utf8').catch(() => null)).toBeNull();
    },
    TIMEOUT,
  );

  it(
    '--no-verify writes the config without running the suite',
    async () => {
      const { run, config } = await init('pytest-pyproject', ['--no-verify']);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stderr).not.toContain('Running the whole suite');
      expect(run.stdout).toContain('Not verified (--no-verify)');
      expect(parseConfig(config ?? '').test.runner).toBe('pytest');
    },
    TIMEOUT,
  );
});
