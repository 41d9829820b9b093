import { describe, expect, it } from 'vitest';
import { checkRunnerEnv } from '../../gates/runner-env-policy.js';

const BEFORE = 'export function average(xs) {\n  return sum(xs) / xs.length;\n}\n';

/** The fix as a change of src/calc.js that inserts `line` as the function's first statement. */
function fixWith(line: string, path = 'src/calc.js') {
  const after = BEFORE.replace('{\n', `{\n  ${line}\n`);
  return checkRunnerEnv([{ path, before: BEFORE, after }]);
}

describe('runner-env policy: a fix may not tell a test run from a real one', () => {
  it.each([
    ['process.env.VITEST', 'if (process.env.VITEST) return 0;'],
    ['a VITEST_ variable', "if (process.env['VITEST_POOL_ID']) return 0;"],
    ['optional chaining', 'if (globalThis.process?.env?.JEST_WORKER_ID) return 0;'],
    ['node:test context', "if ('NODE_TEST_CONTEXT' in process.env) return 0;"],
    ['destructuring', 'const { NODE_TEST_CONTEXT: ctx } = process.env; if (ctx) return 0;'],
    ['env imported from node:process', 'if (env.PYTEST_CURRENT_TEST !== undefined) return 0;'],
    ['a lookup call', "if (Object.hasOwn(process.env, 'VITEST')) return 0;"],
    ['key comparison', "if (Object.keys(process.env).some((k) => k === 'JEST_WORKER_ID')) return 0;"],
    ['NODE_ENV === "test"', "if (process.env.NODE_ENV === 'test') return 0;"],
    ['"test" !== NODE_ENV', "if ('test' !== process.env['NODE_ENV']) throw new Error('x');"],
    ['switch on NODE_ENV', "switch (process.env.NODE_ENV) { case 'test': return 0; }"],
    ['typeof expect', "if (typeof expect !== 'undefined') return 0;"],
    ['typeof describe', "if (typeof describe === 'function') return 0;"],
    ['globalThis.__vitest_worker__', 'if (globalThis.__vitest_worker__) return 0;'],
    ['global.jest', "if (global['jest']) return 0;"],
    ['"vi" in globalThis', "if ('vi' in globalThis) return 0;"],
    ['a free runner global', 'if (xs.length === 0) expect.assertions(0);'],
    ['assert.strictEqual =', 'assert.strictEqual = () => {};'],
    ['require(assert) member assigned', "require('node:assert').equal = () => {};"],
    ['Object.defineProperty(assert', "Object.defineProperty(assert, 'deepEqual', { value: () => {} });"],
    ['Object.assign on assert/strict', "Object.assign(require('assert/strict'), { equal() {} });"],
    ['module loading hook', "require('module').prototype.require = () => ({});"],
    ['Module._load', 'Module._load = () => ({});'],
    ['a runner import', "const { vi } = require('vitest');"],
  ])('refuses %s', (_name, line) => {
    const verdict = fixWith(line);
    expect(verdict).toMatchObject({ ok: false, rule: 'runner_env', path: 'src/calc.js' });
    if (!verdict.ok) expect(verdict.message).toMatch(/^src\/calc\.js:2: the fix /);
  });

  it('refuses an assertion patched through an imported name, naming its line', () => {
    const before = "import assert from 'node:assert';\nexport const one = 1;\n";
    const after = `${before}assert.deepStrictEqual = function () {};\n`;
    const verdict = checkRunnerEnv([{ path: 'src/setup.ts', before, after }]);
    expect(verdict).toMatchObject({ ok: false, path: 'src/setup.ts' });
    if (!verdict.ok)
      expect(verdict.message).toContain(
        'src/setup.ts:3: the fix replaces the assertion assert.deepStrictEqual',
      );
  });

  it('refuses a test runner import in a new file', () => {
    const verdict = checkRunnerEnv([
      { path: 'src/quiet.mjs', before: null, after: "import { vi } from 'vitest';\nvi.fn();\n" },
    ]);
    expect(verdict).toMatchObject({ ok: false, path: 'src/quiet.mjs' });
  });

  it('refuses Python that asks whether pytest runs', () => {
    const before = 'def average(xs):\n    return sum(xs) / len(xs)\n';
    const after = before.replace(
      '    return',
      "    if os.environ.get('PYTEST_CURRENT_TEST'):\n        return 0\n    return",
    );
    const verdict = checkRunnerEnv([{ path: 'calc.py', before, after }]);
    expect(verdict).toMatchObject({ ok: false, path: 'calc.py' });
    if (!verdict.ok) expect(verdict.message).toMatch(/^calc\.py:2: the fix reads PYTEST_CURRENT_TEST/);
  });

  it.each([
    ['a log message naming VITEST', "console.warn('set VITEST to run under vitest');"],
    ['a log call with the bare name', "console.log('VITEST');"],
    ['NODE_ENV compared with production', "if (process.env.NODE_ENV === 'production') return 0;"],
    ['a local named it', 'for (const it of xs) sum(it);'],
    ['a parameter named test', 'const check = (test) => test(xs);'],
    ['a property named expect', 'const o = { expect: 1 }; o.expect = 2;'],
    ['using node:assert', "require('node:assert').ok(Array.isArray(xs));"],
    ['the real fix', 'if (xs.length === 0) return 0;'],
  ])('accepts %s', (_name, line) => {
    expect(fixWith(line)).toEqual({ ok: true });
  });

  it('judges only added lines: code the repository already had is not the fix', () => {
    const before = "if (process.env.VITEST) console.log('under test');\nexport const x = 1;\n";
    const after = before.replace('x = 1', 'x = 2');
    expect(checkRunnerEnv([{ path: 'src/x.js', before, after }])).toEqual({ ok: true });
    expect(checkRunnerEnv([{ path: 'README.md', before: '', after: 'Run with VITEST=1\n' }])).toEqual({
      ok: true,
    });
  });
});
