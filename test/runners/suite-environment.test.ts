import { afterAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../src/policy/config-schema.js';
import { cleanupTemp } from '../sandbox/helpers.js';
import { runRepo, runSuite } from '../security/sandbox-run.js';

afterAll(cleanupTemp);

/**
 * What a test sees of how it was started, as a project checking its colour detection or its CLI parsing would
 * look at it: the colour and node variables, agentctl's own variables, and any reporter flag in argv/execArgv.
 */
const SEEN = `
const seen = () => ({
  FORCE_COLOR: process.env.FORCE_COLOR ?? null,
  NODE_OPTIONS: process.env.NODE_OPTIONS ?? null,
  supportsColor: require('supports-color').stdout,
  agentctlVars: Object.keys(process.env).filter((k) => k.startsWith('AGENTCTL_') && k !== 'AGENTCTL_RUN_MARK'),
  reporterFlags: [...process.execArgv, ...process.argv].filter((a) =>
    /^--(?:json|outputFile|reporter|tap|test-reporter)\\b|reporter\\.(?:mjs|cjs)$|-launch\\./.test(a),
  ),
});
const untouched = { FORCE_COLOR: null, NODE_OPTIONS: null, supportsColor: false, agentctlVars: [], reporterFlags: [] };
`;

/** A failing assertion whose message node (and jest, vitest) colour when colour is forced. */
const WRONG = { got: [1, 2, 3], want: [1, 2, 4] };

interface Fixture {
  files: Record<string, string>;
}

const ESM_REQUIRE = `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n`;

const FIXTURES: Record<Exclude<Runner, 'pytest' | 'junit'>, Fixture> = {
  vitest: {
    files: {
      'package.json': '{"type":"module"}\n',
      'test/env.test.js': `import { test, expect } from 'vitest';\n${ESM_REQUIRE}${SEEN}
test('sees an untouched environment', () => { expect(seen()).toEqual(untouched); });
test('compares lists', () => { expect(${JSON.stringify(WRONG.got)}).toEqual(${JSON.stringify(WRONG.want)}); });
`,
    },
  },
  jest: {
    files: {
      'package.json': '{"name":"p","jest":{"testEnvironment":"node"}}\n',
      'test/env.test.js': `${SEEN}
test('sees an untouched environment', () => { expect(seen()).toEqual(untouched); });
test('compares lists', () => { expect(${JSON.stringify(WRONG.got)}).toEqual(${JSON.stringify(WRONG.want)}); });
`,
    },
  },
  mocha: {
    files: {
      'package.json': '{"name":"p"}\n',
      'test/env.test.js': `const assert = require('node:assert');\n${SEEN}
it('sees an untouched environment', () => { assert.deepStrictEqual(seen(), untouched); });
it('compares lists', () => { assert.deepStrictEqual(${JSON.stringify(WRONG.got)}, ${JSON.stringify(WRONG.want)}); });
`,
    },
  },
  ava: {
    files: {
      'package.json': '{"name":"p"}\n',
      'test/env.test.js': `const test = require('ava');\n${SEEN}
test('sees an untouched environment', (t) => { t.deepEqual(seen(), untouched); });
test('compares lists', (t) => { t.deepEqual(${JSON.stringify(WRONG.got)}, ${JSON.stringify(WRONG.want)}); });
`,
    },
  },
  node: {
    files: {
      'package.json': '{"name":"p"}\n',
      'test/env.test.js': `const { test } = require('node:test');\nconst assert = require('node:assert');\n${SEEN}
test('sees an untouched environment', () => { assert.deepStrictEqual(seen(), untouched); });
test('compares lists', () => { assert.deepStrictEqual(${JSON.stringify(WRONG.got)}, ${JSON.stringify(WRONG.want)}); });
`,
    },
  },
};

const ESC = '\u001b';

describe.each(Object.entries(FIXTURES))('%s inside agentctl’s suite run', (runner, fixture) => {
  it('runs its tests in the environment and argv they would have without agentctl', async () => {
    const at = await runRepo(fixture.files, true);
    const run = await runSuite(at, 'auto', { runner: runner as Runner });
    const states = Object.fromEntries(run.report.tests.map((t) => [t.name, t.state]));
    const env = run.report.tests.find((t) => t.name === 'sees an untouched environment');
    expect(states, env?.failure?.message ?? run.report.outputTail).toEqual({
      'sees an untouched environment': 'passed',
      'compares lists': 'failed',
    });
    expect(run.report.tests.find((t) => t.name === 'compares lists')?.failure?.class).toBe('assertion');
  });

  it('gives clean verdict text when the project forces colour through test.env', async () => {
    const at = await runRepo(fixture.files, true);
    const run = await runSuite(at, 'auto', { runner: runner as Runner, env: { FORCE_COLOR: '1' } });
    const lists = run.report.tests.find((t) => t.name === 'compares lists');
    expect(lists?.state, run.report.outputTail).toBe('failed');
    expect(lists?.failure?.class).toBe('assertion');
    // The project's own variable reached its test: the environment check now fails, naming it.
    const env = run.report.tests.find((t) => t.name === 'sees an untouched environment');
    expect(env?.state).toBe('failed');
    expect(JSON.stringify(env?.failure)).toMatch(/FORCE_COLOR/);
    expect(JSON.stringify(run.report)).not.toContain(ESC);
    expect(JSON.stringify(run.report)).not.toMatch(/\\u001b/);
  });
});

/** A CLI module that parses its argv strictly, as commander does: an option it does not know is an error. */
const CLI = `exports.parse = (args) => {
  const unknown = args.filter((a) => a.startsWith('-'));
  if (unknown.length > 0) throw new Error('error: unknown option ' + unknown.join(' '));
  return { files: args };
};
`;

describe('a test that parses process.argv as a CLI would', () => {
  it('jest, in band: sees no option agentctl added and passes', async () => {
    const at = await runRepo(
      {
        'package.json': '{"name":"p","jest":{"testEnvironment":"node"}}\n',
        'src/cli.js': CLI,
        'test/cli.test.js': `const { basename } = require('node:path');
const { parse } = require('../src/cli.js');
test('parses the command line it was started with', () => {
  expect(basename(process.argv[1] ?? '')).toMatch(/^jest(\\.js)?$/);
  expect(parse(process.argv.slice(2))).toEqual({ files: [] });
});
`,
      },
      true,
    );
    const run = await runSuite(at, 'auto', { runner: 'jest' });
    const [test] = run.report.tests;
    expect(test?.state, test?.failure?.message ?? run.report.outputTail).toBe('passed');
  });
});
