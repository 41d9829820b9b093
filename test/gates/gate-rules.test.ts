import { describe, expect, it } from 'vitest';
import { analyzeTestSource } from '../../gates/assertion-count.js';
import { runtimeSyntax } from '../../gates/behavior-change.js';
import { findMissingSymbols, importCandidates, stubChanges } from '../../gates/missing-symbol.js';
import { unrelatedFailures } from '../../gates/production-use.js';
import { diffTests } from '../../src/ci/test-diff.js';
import { TestReport } from '../../src/core/report.js';

// The pure side of the rules that match how real tests are written (issue 14, build point 8), and of the
// RED rule that evidence must fail on a value production code computed.

const same = (a: string, b: string) => runtimeSyntax(a, 'src/a.js') === runtimeSyntax(b, 'src/a.js');

describe('behaviour classifier: literal values, not literal kinds', () => {
  it('sees a template without substitutions and a string with the same text as one value', () => {
    expect(
      same('export const greet = (n) => `hello, ` + n;', "export const greet = (n) => 'hello, ' + n;"),
    ).toBe(true);
    expect(same('f(`a`)', 'f("a")')).toBe(true);
    expect(same('const n = 0x10;', 'const n = 16;')).toBe(true);
    expect(same('const n = 1_000;', 'const n = 1000.0;')).toBe(true);
  });

  it('still sees a changed value, a substitution, and a directive turned into a template', () => {
    expect(same('f(`a`)', "f('b')")).toBe(false);
    expect(same('f(`${a}`)', "f('${a}')")).toBe(false);
    expect(same('const n = 16;', 'const n = 17;')).toBe(false);
    expect(same("'use strict';\nf();", '`use strict`;\nf();')).toBe(false);
  });
});

describe('assertion counts: distinct assertions', () => {
  const count = (body: string) =>
    analyzeTestSource(`it('t', () => {\n${body}\n});\n`, 'a.test.js')[0]?.assertions;

  it('counts an exact repeat once, whatever its formatting, and distinct assertions each', () => {
    expect(count('assert.equal(sum([1, 2]), 3);\nassert.equal( sum([1,2]), 3 );')).toBe(1);
    expect(count('expect(f(1)).toBe(2);\nexpect(f(1)).toBe(2);\nexpect(f(1)).toBe(3);')).toBe(2);
    expect(count('x.should.equal(1);\nx.should.equal(2);')).toBe(2);
  });
});

describe('test diff: renamed, not deleted', () => {
  const file = (before: string, after: string) => ({
    path: 'test/a.test.js',
    status: 'modified' as const,
    before,
    after,
  });

  it('pairs a test whose describe or title changed with its unchanged body, and says so', () => {
    const before = "describe('calc', () => {\n  it('adds', () => { expect(add(1, 2)).toBe(3); });\n});\n";
    const diff = diffTests([file(before, before.replace("'calc'", "'calculator'"))]);
    expect(diff.integrity).toEqual([]);
    expect(diff.renamed).toEqual([
      { from: 'test/a.test.js > calc > adds', to: 'test/a.test.js > calculator > adds' },
    ]);
  });

  it('pairs a test.failing turned into test with a new title', () => {
    const before = "test.failing('bug #12: adds negatives', () => { expect(add(-1, -2)).toBe(-3); });\n";
    const after = "test('adds negatives', () => { expect(add(-1, -2)).toBe(-3); });\n";
    const diff = diffTests([file(before, after)]);
    expect(diff.integrity).toEqual([]);
    expect(diff.renamed).toEqual([
      { from: 'test/a.test.js > bug #12: adds negatives', to: 'test/a.test.js > adds negatives' },
    ]);
    // Still a candidate for RED evidence: on base it fails, as the known bug it recorded.
    expect([...diff.candidates]).toEqual(['test/a.test.js > adds negatives']);
  });

  it('still reports a test deleted when no new test has its body', () => {
    const before = "it('adds', () => { expect(add(1, 2)).toBe(3); });\n";
    const after = "it('adds two', () => { expect(add(2, 2)).toBe(4); });\n";
    const diff = diffTests([file(before, after)]);
    expect(diff.renamed).toEqual([]);
    expect(diff.integrity.map((f) => f.rule)).toEqual(['test_deleted']);
  });
});

describe('stub rule: every relative import form, members of default and namespace imports', () => {
  it('resolves the package root, a folder and an index import', () => {
    expect(importCandidates('test/a.test.js', '..')).toContain('index.js');
    expect(importCandidates('test/a.test.js', '../')).toContain('index.cjs');
    expect(importCandidates('src/lib/a.test.js', './')).toContain('src/lib/index.ts');
    expect(importCandidates('test/a.test.js', '../index')).toContain('index.js');
    expect(importCandidates('test/a.test.js', '../src/calc')).toContain('src/calc.ts');
    expect(importCandidates('test/a.test.js', 'lodash')).toEqual([]);
  });

  const CJS_BASE = 'function add(a, b) { return a + b; }\nmodule.exports = { add };\n';
  const CJS_HEAD =
    'function add(a, b) { return a + b; }\nfunction double(x) { return 2 * x; }\nmodule.exports = { add, double };\n';
  const fail = (message: string) => [{ id: 'test/a.test.js > doubles', file: 'test/a.test.js', message }];

  it('stubs a member called on a default import of a CommonJS module', () => {
    const tests = {
      'test/a.test.js': "import calc from '..';\ntest('doubles', (t) => { t.is(calc.double(2), 4); });\n",
    };
    const found = findMissingSymbols(
      fail('calc_1.default.double is not a function'),
      tests,
      { 'index.js': CJS_HEAD },
      { 'index.js': CJS_BASE },
    );
    expect(found.map((s) => [s.module, s.name, s.kind, s.format])).toEqual([
      ['index.js', 'double', 'function', 'cjs'],
    ]);
    expect(stubChanges(found, { 'index.js': CJS_BASE })[0]?.after).toMatch(
      /module\.exports\.double = function double\(\) \{ return undefined; \};\n$/,
    );
  });

  it('stubs a member of a namespace import, and never a default-import member of an ES module', () => {
    const esmBase = 'export function add(a, b) { return a + b; }\nexport default { add };\n';
    const esmHead = `${esmBase}export function double(x) { return 2 * x; }\n`;
    const ns = { 'test/a.test.js': "import * as calc from '../index.js';\ncalc.double(2);\n" };
    const byDefault = { 'test/a.test.js': "import calc from '../index.js';\ncalc.double(2);\n" };
    const head = { 'index.js': esmHead };
    const base = { 'index.js': esmBase };
    expect(
      findMissingSymbols(fail('calc.double is not a function'), ns, head, base).map((s) => s.name),
    ).toEqual(['double']);
    expect(findMissingSymbols(fail('calc.double is not a function'), byDefault, head, base)).toEqual([]);
  });
});

describe('RED: the failing assertion must check a value production code computed', () => {
  const report = (file: string, line: number) =>
    TestReport.parse({
      runner: 'node',
      exitCode: 1,
      interrupted: false,
      collectionErrors: [],
      tests: [
        {
          id: `${file} > t`,
          file,
          name: 't',
          state: 'failed',
          durationMs: 1,
          failure: {
            class: 'assertion',
            message: 'failed',
            stack: `    at TestContext.<anonymous> (file:///tmp/r/${file}:${line}:5)\n    at node:internal/test_runner/test:1:1`,
          },
        },
      ],
    });
  const judge = (source: string, line: number) =>
    unrelatedFailures(
      report('test/a.test.js', line),
      () => true,
      { 'test/a.test.js': source },
      (p) => p.startsWith('test/'),
    );
  const HEAD = "import assert from 'node:assert';\nimport { average } from '../src/calc.js';\n";

  it('names the statement of an assert.fail() or an existsSync check', () => {
    expect(judge(`${HEAD}it('t', () => {\n  average([1]);\n  assert.fail('no');\n});\n`, 5)).toEqual({
      'test/a.test.js > t': "assert.fail('no');",
    });
    expect(
      judge(
        `import { existsSync } from 'node:fs';\n${HEAD}it('t', () => {\n  assert.ok(existsSync('src/FIXED'));\n});\n`,
        5,
      ),
    ).toEqual({ 'test/a.test.js > t': "assert.ok(existsSync('src/FIXED'));" });
  });

  it('accepts values from production: directly, through variables, callbacks, helpers and scripts it runs', () => {
    expect(judge(`${HEAD}it('t', () => {\n  assert.equal(average([]), 0);\n});\n`, 4)).toEqual({});
    expect(
      judge(
        `${HEAD}it('t', () => {\n  const r = average([]);\n  const s = r * 2;\n  assert.equal(s, 0);\n});\n`,
        6,
      ),
    ).toEqual({});
    expect(
      judge(
        `${HEAD}it('t', async () => {\n  await average(async (url) => {\n    assert.equal(url, 'x');\n  });\n});\n`,
        5,
      ),
    ).toEqual({});
    const helper = `${HEAD}function check(x) {\n  assert.equal(x, 0);\n}\nit('t', () => {\n  check(average([]));\n});\n`;
    const withFrames = TestReport.parse({
      ...report('test/a.test.js', 4),
      tests: [
        {
          ...report('test/a.test.js', 4).tests[0]!,
          failure: {
            class: 'assertion',
            message: 'failed',
            stack:
              '    at check (/tmp/r/test/a.test.js:4:3)\n    at TestContext.<anonymous> (/tmp/r/test/a.test.js:7:3)',
          },
        },
      ],
    });
    expect(
      unrelatedFailures(
        withFrames,
        () => true,
        { 'test/a.test.js': helper },
        () => false,
      ),
    ).toEqual({});
    const cli = `import assert from 'node:assert';\nimport { execSync } from 'node:child_process';\nimport { x } from './helpers.js';\nit('t', () => {\n  assert.equal(execSync('node bin/cli.js').toString(), 'ok');\n});\n`;
    expect(judge(cli, 5)).toEqual({});
  });

  it('leaves a failure it cannot place, or a test that imports no relative module, unjudged', () => {
    expect(judge(`${HEAD}it('t', () => {\n  assert.fail('no');\n});\n`, 99)).toEqual({});
    expect(
      judge(`import assert from 'node:assert';\nit('t', () => {\n  assert.fail('no');\n});\n`, 3),
    ).toEqual({});
  });
});
