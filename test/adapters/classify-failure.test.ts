import { describe, expect, it } from 'vitest';
import { classifyError } from '../../gates/classify-failure.js';
import type { ClassifyContext } from '../../gates/classify-failure.js';

const cwd = '/repo';
const ctx: ClassifyContext = { where: 'test', cwd, isTestFile: (rel) => rel.startsWith('test/') };
const frames = (...files: string[]) => files.map((f) => `    at fn (${f}:1:1)`).join('\n');

describe('classifyError', () => {
  it('trusts the assertion library: node code, jest and chai wording', () => {
    expect(classifyError({ name: 'AssertionError', code: 'ERR_ASSERTION', message: '3 !== 4' }, ctx)).toBe(
      'assertion',
    );
    expect(classifyError({ message: 'expect(received).toBe(expected)' }, ctx)).toBe('assertion');
    expect(classifyError({ name: 'Error', message: 'expected 3 to equal 4' }, ctx)).toBe('assertion');
    expect(classifyError({ message: 'assert 3 == 4' }, ctx)).toBe('assertion');
  });

  it('does not take a runner label for the error type', () => {
    const stack = `TypeError: x.foo is not a function\n${frames('/repo/test/a.test.js')}`;
    expect(classifyError({ name: 'AssertionError', message: 'x.foo is not a function', stack }, ctx)).toBe(
      'test_error',
    );
    expect(classifyError({ name: 'AssertionError', message: 'Error thrown in test' }, ctx)).toBe('unknown');
  });

  it('tells production code from test code by the first frame that is neither node nor node_modules', () => {
    const crash = `RangeError: bad\n${frames('node:internal/x', '/repo/node_modules/lib/i.js', '/repo/src/calc.js', '/repo/test/a.test.js')}`;
    expect(classifyError({ name: 'RangeError', message: 'bad', stack: crash }, ctx)).toBe('crash');
    const own = `TypeError: bad\n${frames('/repo/node_modules/lib/i.js', 'file:///repo/test/a.test.js')}`;
    expect(classifyError({ name: 'TypeError', message: 'bad', stack: own }, ctx)).toBe('test_error');
    expect(classifyError({ message: 'bad', stack: `Error: bad\n${frames('src/calc.js')}` }, ctx)).toBe(
      'crash',
    );
  });

  it('reads Python tracebacks innermost last', () => {
    const stack = 'tests/test_calc.py:6: \n\n>   def boom(): raise ValueError()\nsrc/calc.py:2: ValueError';
    expect(
      classifyError(
        { name: 'ValueError', message: 'boom', stack },
        { ...ctx, isTestFile: (r) => r.startsWith('tests/') },
      ),
    ).toBe('crash');
  });

  it('accepts "not implemented" only when production code throws it', () => {
    const fromSrc = `Error: not implemented\n${frames('/repo/src/calc.js')}`;
    expect(classifyError({ message: 'not implemented', stack: fromSrc }, ctx)).toBe('not_implemented');
    expect(classifyError({ name: 'NotImplementedError', message: '' }, ctx)).toBe('not_implemented');
    const fromTest = `Error: Not implemented yet\n${frames('/repo/test/a.test.js')}`;
    expect(classifyError({ message: 'Not implemented yet', stack: fromTest }, ctx)).toBe('test_error');
  });

  it('recognises import failures, including a missing export node reports as a SyntaxError', () => {
    expect(classifyError({ code: 'ERR_MODULE_NOT_FOUND', message: 'x' }, ctx)).toBe('import');
    expect(classifyError({ message: 'Failed to load url ../src/x.js (resolved id: x)' }, ctx)).toBe('import');
    expect(classifyError({ message: "Cannot find module './x' from 'test/a.test.js'" }, ctx)).toBe('import');
    const missingExport = "The requested module '../src/a.js' does not provide an export named 'b'";
    expect(classifyError({ name: 'SyntaxError', message: missingExport }, ctx)).toBe('import');
    expect(classifyError({ name: 'ModuleNotFoundError', message: "No module named 'x'" }, ctx)).toBe(
      'import',
    );
  });

  it('tells a file that does not parse from a SyntaxError production code throws at run time', () => {
    const parse = `SyntaxError: Unexpected token ';'\n${frames('node:internal/modules/esm/utils')}`;
    expect(classifyError({ name: 'SyntaxError', message: "Unexpected token ';'", stack: parse }, ctx)).toBe(
      'syntax',
    );
    expect(classifyError({ message: 'Failed to parse source for import analysis' }, ctx)).toBe('syntax');
    const json = `SyntaxError: Unexpected token 'x', "x" is not valid JSON\n    at JSON.parse (<anonymous>)\n${frames('/repo/src/config.js')}`;
    expect(
      classifyError(
        { name: 'SyntaxError', message: `Unexpected token 'x', "x" is not valid JSON`, stack: json },
        ctx,
      ),
    ).toBe('crash');
  });

  it('knows each runner timeout wording but not a production "timed out"', () => {
    for (const message of [
      'Test timed out in 100ms.',
      'thrown: "Exceeded timeout of 100 ms for a test.',
      'Timeout of 100ms exceeded. For async tests',
      'test timed out after 100ms',
      'Test timeout exceeded',
    ]) {
      expect(classifyError({ message }, ctx)).toBe('timeout');
    }
    const prod = `Error: request timed out\n${frames('/repo/src/http.js')}`;
    expect(classifyError({ message: 'request timed out', stack: prod }, ctx)).toBe('crash');
  });

  it('puts a failure inside a hook down to the hook, whatever the error', () => {
    expect(
      classifyError(
        { name: 'AssertionError', code: 'ERR_ASSERTION', message: 'x' },
        { ...ctx, where: 'hook' },
      ),
    ).toBe('hook');
    expect(classifyError({ message: 'Hook timed out in 10000ms.' }, ctx)).toBe('hook');
  });

  it('falls back to test_error for calling what an import did not provide, and unknown otherwise', () => {
    expect(classifyError({ name: 'TypeError', message: 'calc.multiply is not a function' }, ctx)).toBe(
      'test_error',
    );
    expect(classifyError({ message: 'something odd' }, ctx)).toBe('unknown');
  });
});
