import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compareRuns,
  differencesOf,
  droppedNames,
  type SandboxDiff,
} from '../../src/cli/commands/init-sandbox-diff.js';
import type { TestCase, TestReport } from '../../src/core/report.js';
import { agentctl } from '../helpers/cli.js';
import { cleanupTemp, makeRepo, tempDir } from './helpers.js';

afterAll(cleanupTemp);

function report(tests: TestCase[]): TestReport {
  return {
    runner: 'node',
    exitCode: 1,
    interrupted: false,
    timedOut: false,
    collectionErrors: [],
    tests,
    durationMs: 0,
    outputTail: '',
  };
}

function failed(id: string, message: string): TestCase {
  return {
    id,
    file: 'test/a.test.js',
    name: id,
    state: 'failed',
    durationMs: 1,
    failure: { class: 'assertion', message },
  };
}

function passed(id: string): TestCase {
  return { id, file: 'test/a.test.js', name: id, state: 'passed', durationMs: 1 };
}

describe('comparing the sandboxed run with the run outside it', () => {
  const facts = { sandboxed: true, droppedEnv: ['DATABASE_URL', 'MY_SERVICE_URL'], userHome: '/home/dev' };

  it('lists only tests that fail inside and pass outside, with the change each points at', () => {
    const inside = report([
      failed('a > service', 'MY_SERVICE_URL is not set'),
      failed('a > download', 'getaddrinfo ENOTFOUND registry.example.com'),
      failed('a > broken', 'expected 4 to equal 5'),
      passed('a > fine'),
    ]);
    const outside = report([passed('a > service'), passed('a > download'), failed('a > broken', 'x')]);
    const source = "const url = process.env.DATABASE_URL ?? 'sqlite://';\n";
    const failures = compareRuns(inside, outside, facts, new Map([['test/a.test.js', source]]));
    expect(failures.map((f) => [f.id, f.likely, f.variables])).toEqual([
      ['a > service', ['env'], ['DATABASE_URL', 'MY_SERVICE_URL']],
      ['a > download', ['env', 'network'], ['DATABASE_URL']],
    ]);
  });

  it('lists a file that fails to load only inside under its path', () => {
    const inside = {
      ...report([]),
      collectionErrors: [
        { file: 'test/b.test.js', class: 'crash' as const, message: 'DATABASE_URL is required' },
        { file: 'test/c.test.js', class: 'syntax' as const, message: 'Unexpected token' },
      ],
    };
    const outside = {
      ...report([{ ...passed('b > ok'), file: 'test/b.test.js' }]),
      collectionErrors: [{ file: 'test/c.test.js', class: 'syntax' as const, message: 'Unexpected token' }],
    };
    const failures = compareRuns(inside, outside, facts, new Map());
    expect(failures.map((f) => [f.id, f.message, f.variables])).toEqual([
      ['test/b.test.js', 'fails to load: DATABASE_URL is required', ['DATABASE_URL']],
    ]);
  });

  it('names network and read-only dependencies only when the run was isolated', () => {
    expect(differencesOf(facts).map((d) => d.change)).toEqual([
      'env',
      'home',
      'tmp',
      'network',
      'readonly_deps',
      'host_files',
    ]);
    expect(differencesOf({ ...facts, sandboxed: false, droppedEnv: [] }).map((d) => d.change)).toEqual([
      'home',
      'tmp',
    ]);
  });

  it('counts as dropped what the scrub removes, minus HOME, agentctl’s own and what test.env sets', () => {
    const env = {
      PATH: '/bin',
      HOME: '/home/dev',
      MY_SERVICE_URL: 'x',
      API_TOKEN: 't',
      AGENTCTL_CACHE_DIR: '/c',
      DB: 'd',
    };
    expect(droppedNames(env, { DB: 'test' })).toEqual(['API_TOKEN', 'MY_SERVICE_URL']);
  });
});

const SUITE = `const { test } = require('node:test');
const assert = require('node:assert');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { homedir } = require('node:os');
test('adds', () => { assert.strictEqual(1 + 1, 2); });
test('reaches the service', () => { assert.ok(process.env.MY_SERVICE_URL, 'the service address is not set'); });
test('reads the user profile', () => {
  assert.strictEqual(readFileSync(join(homedir(), '.fixturerc'), 'utf8'), 'on\\n');
});
test('is really broken', () => { assert.strictEqual(2 + 2, 5); });
`;

describe('agentctl init on a suite that fails only in the sandbox', () => {
  it('re-runs the failing files outside and names what the sandbox changed, never a value', async () => {
    const repo = await makeRepo({
      'package.json': '{"name":"p","scripts":{"test":"node --test"}}\n',
      'test/service.test.js': SUITE,
    });
    const home = await tempDir('home');
    await mkdir(home, { recursive: true });
    await writeFile(join(home, '.fixturerc'), 'on\n');
    const env = {
      AGENTCTL_CACHE_DIR: await tempDir('cache'),
      HOME: home,
      MY_SERVICE_URL: 'http://value-never-shown.example',
    };
    const json = await agentctl(['init', '--json'], repo, env);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(json.stdout + json.stderr).not.toContain('value-never-shown');
    const line = JSON.parse(json.stdout.trim()) as {
      verified: { failing: string[]; sandboxOnly: SandboxDiff };
    };
    expect(line.verified.failing).toHaveLength(3);
    const diff = line.verified.sandboxOnly;
    expect(diff.reran).toEqual(['test/service.test.js']);
    expect(diff.failures.map((f) => [f.id, f.likely, f.variables])).toEqual([
      ['test/service.test.js > reaches the service', ['env'], ['MY_SERVICE_URL']],
      ['test/service.test.js > reads the user profile', ['home'], []],
    ]);
    expect(diff.differences.find((d) => d.change === 'env')?.names).toContain('MY_SERVICE_URL');

    const text = await agentctl(['init', '--force'], repo, env);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /Fails only in the sandbox[^\n]*\n\s+test\/service\.test\.js > reaches the service/,
    );
    expect(text.stdout).toMatch(/likely: needs MY_SERVICE_URL \(not passed to tests\)/);
    expect(text.stdout).toMatch(/HOME is a private, empty directory/);
    expect(text.stdout).toContain('"test": { "env": { "MY_SERVICE_URL": "<a test value>" } }');
    expect(text.stdout).not.toContain('value-never-shown');
    expect(text.stdout).not.toMatch(/is really broken:.*\n\s+likely/);
  }, 180_000);
});
