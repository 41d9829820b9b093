import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_VALUE_RULE } from '../../gates/production-use.js';
import { runCiCheck } from '../../src/ci/check.js';
import type { CiVerdict } from '../../src/ci/verdict.js';
import {
  CALC,
  CALC_FIXED,
  CALC_TEST,
  cleanupRepos,
  prRepo,
  useScratchCache,
  type PrRepo,
} from './pr-repo.js';

// Fixture pull requests for the rules that match how real tests are written (issue 14, build point 8).

const explain = (v: CiVerdict) =>
  JSON.stringify({ checks: v.checks, findings: v.findings, evidence: v.evidence, notes: v.notes }, null, 1);

const DUPLICATED = CALC_TEST.replace(
  '    assert.equal(sum([1, 2]), 3);\n',
  '    assert.equal(sum([1, 2]), 3);\n    assert.equal(sum([1, 2]), 3);\n',
);
const GREET = 'export function greet(name) {\n  return `hello, ` + name;\n}\n';
const ADD = 'export function add(a, b) {\n  return Math.abs(a) + b;\n}\n';
const CASES = 'export const CASES = [\n  [1, 2, 3],\n  [2, 5, 7],\n];\n';
const ADD_TEST = `import { it } from 'node:test';
import assert from 'node:assert/strict';
import { add } from '../src/add.js';
import { CASES } from './cases.js';

for (const [a, b, sum] of CASES) {
  it(\`adds \${a} + \${b}\`, () => {
    assert.equal(add(a, b), sum);
  });
}
`;

beforeAll(useScratchCache);
afterAll(cleanupRepos);

describe('ci check: rules that match how real tests are written (node:test)', () => {
  let repo: PrRepo;
  const check = (head: string) => runCiCheck({ cwd: repo.dir, base: repo.base, head });

  beforeAll(async () => {
    repo = await prRepo({
      'src/calc.js': CALC,
      'test/calc.test.js': DUPLICATED,
      'src/greet.js': GREET,
      'src/add.js': ADD,
      'test/cases.js': CASES,
      'test/add.test.js': ADD_TEST,
    });
  });

  it('a template literal turned into a plain string with the same text is not a behavior change', async () => {
    const v = await check(
      await repo.pr('literal-kind', { 'src/greet.js': GREET.replace('`hello, `', "'hello, '") }),
    );
    expect(v.ok, explain(v)).toBe(true);
    expect(v.changes).toEqual([expect.objectContaining({ path: 'src/greet.js', behaviorChanging: false })]);
    expect(v.checks.find((c) => c.id === 'evidence')?.status).toBe('skipped');
  });

  it('new rows in a data file an unchanged spec loops over are new tests, and RED evidence', async () => {
    const v = await check(
      await repo.pr('table-rows', {
        'src/add.js': ADD.replace('Math.abs(a) + b', 'a + b'),
        'test/cases.js': CASES.replace('  [2, 5, 7],\n', '  [2, 5, 7],\n  [-1, -2, -3],\n'),
      }),
    );
    expect(v.ok, explain(v)).toBe(true);
    expect(v.evidence.filter((e) => e.counts).map((e) => e.id)).toEqual(['test/add.test.js > adds -1 + -2']);
  });

  it('a changed data file with no fix is a changed test that passes on base, not "no new or changed test"', async () => {
    const v = await check(
      await repo.pr('table-only-code', {
        'src/add.js': ADD.replace('Math.abs(a) + b', 'a + b'),
        'test/cases.js': CASES.replace('[2, 5, 7]', '[3, 5, 8]'),
      }),
    );
    expect(v.ok).toBe(false);
    expect(v.checks.find((c) => c.id === 'evidence')?.summary, explain(v)).not.toBe('no new or changed test');
    expect(v.evidence.map((e) => e.id)).toContain('test/add.test.js > adds 3 + 5');
    expect(v.findings.map((f) => f.rule)).toContain('test_passes_on_base');
  });

  it('a renamed describe renames its tests: not deleted, and the report says so', async () => {
    const v = await check(
      await repo.pr('rename-describe', {
        'test/calc.test.js': DUPLICATED.replace("describe('calc'", "describe('calculator'"),
      }),
    );
    expect(v.ok, explain(v)).toBe(true);
    expect(v.findings).toEqual([]);
    expect(v.notes).toEqual([
      'renamed, not deleted (body unchanged): test/calc.test.js > calc > averages numbers → test/calc.test.js > calculator > averages numbers',
      'renamed, not deleted (body unchanged): test/calc.test.js > calc > sums numbers → test/calc.test.js > calculator > sums numbers',
    ]);
  });

  it('removing an exact duplicate assertion is not weakening; removing a distinct one still is', async () => {
    const dedup = await check(await repo.pr('dedup', { 'test/calc.test.js': CALC_TEST }));
    expect(dedup.ok, explain(dedup)).toBe(true);
    const weaker = await check(
      await repo.pr('weaken', {
        'test/calc.test.js': DUPLICATED.replace('    assert.equal(sum([]), 0);\n', ''),
      }),
    );
    expect(weaker.findings).toEqual([
      expect.objectContaining({
        rule: 'assertions_removed',
        message: 'test/calc.test.js > calc > sums numbers lost assertions: 2 on base, 1 on head',
      }),
    ]);
  });
});

/**
 * A stand-in for ava 1.x, the fixture's own: it runs test files transpiled to CommonJS (as ava 1.x did with
 * babel, so `import calc from '..'` reads `calc_1.default`) and prints ava 1.x's TAP, which puts the thrown
 * error and the difference under `values` where ava 3+ uses `details`.
 */
const AVA1 = String.raw`'use strict';
const Module = require('node:module');
const { readFileSync, readdirSync } = require('node:fs');
const { dirname, resolve } = require('node:path');
const ts = require('typescript');

const tests = [];
const test = (title, fn) => tests.push({ title, fn });
class AssertionError extends Error {
  constructor(assertion, values) {
    super('');
    this.assertion = assertion;
    this.values = values;
  }
}
const t = {
  is(actual, expected) {
    if (!Object.is(actual, expected))
      throw new AssertionError('is', { 'Difference:': '- ' + String(actual) + '\n+ ' + String(expected) });
  },
};
const args = process.argv.slice(2).filter((a) => a !== '--tap');
const files = args.length > 0 ? args : readdirSync('test').filter((f) => f.endsWith('.test.js')).map((f) => 'test/' + f);
for (const file of files) {
  const abs = resolve(file);
  const options = { compilerOptions: { module: ts.ModuleKind.CommonJS, esModuleInterop: true } };
  const js = ts.transpileModule(readFileSync(abs, 'utf8'), options).outputText;
  const m = new Module(abs, module);
  m.filename = abs;
  m.paths = Module._nodeModulePaths(dirname(abs));
  m.require = (id) => (id === 'ava' ? test : Module.prototype.require.call(m, id));
  m._compile(js, abs);
}
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";
const indent = (s, n) => s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
const out = ['TAP version 13'];
let passed = 0;
for (const [i, { title, fn }] of tests.entries()) {
  try {
    fn(t);
    passed++;
    out.push('ok ' + (i + 1) + ' - ' + title);
    continue;
  } catch (err) {
    const at = (err.stack.split('\n').find((l) => l.includes(' at ')) ?? '').trim().replace(/^at /, '');
    const values =
      err instanceof AssertionError
        ? err.values
        : { 'Error thrown in test:': err.name + ' {\n  message: ' + quote(err.message) + ',\n}' };
    out.push('not ok ' + (i + 1) + ' - ' + title, '  ---', '    name: AssertionError');
    if (err instanceof AssertionError) out.push('    assertion: ' + err.assertion);
    else out.push('    message: Error thrown in test');
    out.push('    values:');
    for (const [label, text] of Object.entries(values)) out.push('      ' + quote(label) + ': |-', indent(text, 8));
    out.push('    at: ' + quote(at), '  ...');
  }
}
out.push('', '1..' + tests.length, '# tests ' + tests.length, '# pass ' + passed, '# fail ' + (tests.length - passed), '');
process.stdout.write(out.join('\n'));
process.exitCode = passed === tests.length ? 0 : 1;
`;
const INDEX = 'function add(a, b) {\n  return a + b;\n}\n\nmodule.exports = { add };\n';
const AVA_TEST =
  "import test from 'ava';\nimport calc from '..';\n\ntest('adds', (t) => {\n  t.is(calc.add(1, 2), 3);\n});\n";

describe('ci check: an ava 1.x project (TAP `values`, a default import of the package root)', () => {
  let repo: PrRepo;

  beforeAll(async () => {
    repo = await prRepo(
      {
        'package.json': JSON.stringify({ name: 'ava1-fixture', private: true, main: 'index.js' }),
        'agentctl.config.json': JSON.stringify({
          test: { runner: 'ava', command: ['node', 'tools/ava1.js'] },
        }),
        'tools/ava1.js': AVA1,
        'index.js': INDEX,
        'test/calc.test.js': AVA_TEST,
      },
      { linkModules: true },
    );
  });

  it('reads "calc.double is not a function" from `values`, stubs the member on the CommonJS export, and counts the test', async () => {
    const head = await repo.pr('double', {
      'index.js': INDEX.replace(
        'module.exports = { add };',
        'function double(x) {\n  return x * 2;\n}\n\nmodule.exports = { add, double };',
      ),
      'test/calc.test.js': `${AVA_TEST}\ntest('doubles', (t) => {\n  t.is(calc.double(2), 4);\n});\n`,
    });
    const v = await runCiCheck({ cwd: repo.dir, base: repo.base, head });
    expect(v.ok, explain(v)).toBe(true);
    expect(v.evidence).toEqual([
      expect.objectContaining({
        id: 'test/calc.test.js > doubles',
        counts: true,
        stubbed: ['index.js#double'],
      }),
    ]);
  });
});

const FAILS_ANYWAY = `import { it } from 'node:test';
import assert from 'node:assert/strict';
import { sum } from '../src/calc.js';

it('averages [] as 0', () => {
  assert.equal(sum([1]), 1);
  assert.fail('average([]) is not fixed yet');
});
`;
const FIXED_FILE = `import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { average } from '../src/calc.js';

it('averages [] as 0', () => {
  assert.equal(typeof average, 'function');
  assert.ok(existsSync(new URL('../src/FIXED', import.meta.url)));
});
`;

describe('ci check: RED evidence must fail on a value production code computed', () => {
  let repo: PrRepo;
  beforeAll(async () => {
    repo = await prRepo({ 'src/calc.js': CALC, 'test/calc.test.js': CALC_TEST });
  });

  it.each([
    ['assert.fail() after a trivial check', FAILS_ANYWAY, "assert.fail('average([]) is not fixed yet');"],
    [
      'asserting that src/FIXED exists',
      FIXED_FILE,
      "assert.ok(existsSync(new URL('../src/FIXED', import.meta.url)));",
    ],
  ])('refuses %s, naming the rule and the statement', async (_, test, statement) => {
    const head = await repo.pr(`unrelated-${test.length}`, {
      'src/calc.js': CALC_FIXED,
      'src/FIXED': 'yes\n',
      'test/average.test.js': test,
    });
    const v = await runCiCheck({ cwd: repo.dir, base: repo.base, head });
    expect(v.ok).toBe(false);
    const finding = v.findings.find((f) => f.testId === 'test/average.test.js > averages [] as 0');
    expect(finding, explain(v)).toMatchObject({ rule: 'test_wrong_reason' });
    expect(finding?.message).toBe(
      `fails for the wrong reason: ${PRODUCTION_VALUE_RULE}; test/average.test.js > averages [] as 0 fails at \`${statement}\`, which uses nothing production code computed`,
    );
  });
});
