import { describe, expect, it } from 'vitest';
import { findMissingSymbols, stubChanges, type SymbolFailure } from '../../gates/missing-symbol.js';

const BASE_ESM = `export function add(a, b) { return a + b; }\n`;
const HEAD_ESM = `${BASE_ESM}export function mul(a, b) { return a * b; }
export class Stack { push(x) { this.items.push(x); } get size() { return 0; } static of() { return new Stack(); } }
export const LIMITS = { max: 3 };
`;
const TEST = `import { it } from 'node:test';
import assert from 'node:assert/strict';
import { add, mul, Stack, LIMITS } from '../src/calc.js';
it('mul', () => { assert.equal(mul(2, 3), 6); });
`;

const fail = (message: string, id = 'test/calc.test.js > mul'): SymbolFailure => ({
  id,
  file: 'test/calc.test.js',
  message,
});

describe('findMissingSymbols', () => {
  const tests = { 'test/calc.test.js': TEST };
  const head = { 'src/calc.js': HEAD_ESM };
  const base = { 'src/calc.js': BASE_ESM };

  it('explains an ESM link error with the export the change adds, kinded by its head declaration', () => {
    const found = findMissingSymbols(
      [
        fail(
          "The requested module '../src/calc.js' does not provide an export named 'Stack'",
          'test/calc.test.js',
        ),
      ],
      tests,
      head,
      base,
    );
    expect(found).toEqual([
      expect.objectContaining({
        module: 'src/calc.js',
        name: 'Stack',
        kind: 'class',
        format: 'esm',
        explains: ['test/calc.test.js'],
        members: [
          { name: 'push', static: false, getter: false },
          { name: 'size', static: false, getter: true },
          { name: 'of', static: true, getter: false },
        ],
      }),
    ]);
  });

  it('reads "X is not a function" in the shapes node, vitest and babel print', () => {
    for (const message of [
      'mul is not a function',
      'calc.mul is not a function',
      '(0 , _calc.mul) is not a function',
    ]) {
      expect(findMissingSymbols([fail(message)], tests, head, base).map((s) => s.name)).toEqual(['mul']);
    }
  });

  it('does not blame a symbol the base already exports, or one the head does not add', () => {
    expect(findMissingSymbols([fail('add is not a function')], tests, head, base)).toEqual([]);
    expect(
      findMissingSymbols([fail('mul is not a function')], tests, { 'src/calc.js': BASE_ESM }, base),
    ).toEqual([]);
    expect(findMissingSymbols([fail('expected 5 to equal 6')], tests, head, base)).toEqual([]);
  });

  it('stubs a module the change creates only for a "cannot find module" naming it; never one absent on both sides', () => {
    const t = { 'test/calc.test.js': `import { mul } from '../src/extra.js';\nmul(1, 2);\n` };
    const missing = fail("Cannot find module '/tmp/r/src/extra.js' imported from /tmp/r/test/calc.test.js");
    const created = findMissingSymbols([missing], t, { 'src/extra.js': HEAD_ESM }, { 'src/extra.js': null });
    expect(created.map((s) => [s.module, s.name, s.kind])).toEqual([['src/extra.js', 'mul', 'function']]);
    expect(findMissingSymbols([missing], t, {}, {})).toEqual([]);
  });

  it('without a head (the fix is not written yet) guesses the kind from the test: new X → class, X() → function', () => {
    const t = {
      'test/calc.test.js': `const calc = require('../src/calc.cjs');\nnew calc.Queue();\ncalc.sum([1]);\n`,
    };
    const cjs = { 'src/calc.cjs': 'exports.add = (a, b) => a + b;\n' };
    const found = findMissingSymbols(
      [fail('calc.Queue is not a constructor', 'a'), fail('calc.sum is not a function', 'b')],
      t,
      null,
      cjs,
    );
    expect(found.map((s) => [s.name, s.kind, s.format])).toEqual([
      ['Queue', 'class', 'cjs'],
      ['sum', 'function', 'cjs'],
    ]);
  });

  it('does not count types, ambient declarations or a default export as the named export a test needs', () => {
    const t = { 'test/calc.test.ts': `import { Money, total } from '../src/m.js';\ntotal();\n` };
    const base = {
      'src/m.ts':
        'export interface Money { c: number }\nexport declare function total(): number;\nexport default function total2() {}\n',
    };
    const head = { 'src/m.ts': `${base['src/m.ts']}export function total() { return 1; }\n` };
    const found = findMissingSymbols(
      [{ id: 'a', file: 'test/calc.test.ts', message: 'total is not a function' }],
      t,
      head,
      base,
    );
    expect(found.map((s) => [s.name, s.local])).toEqual([['total', false]]);
  });

  it('resolves `./calc.js` to the calc.ts that exists, skipping candidates given as absent', () => {
    const t = { 'test/calc.test.ts': `import { mul } from '../src/calc.js';\nmul(1, 2);\n` };
    const modules = { 'src/calc.js': null, 'src/calc.ts': 'export const add = (a: number) => a;\n' };
    const found = findMissingSymbols(
      [{ id: 'a', file: 'test/calc.test.ts', message: 'mul is not a function' }],
      t,
      null,
      modules,
    );
    expect(found.map((s) => [s.module, s.name, s.kind])).toEqual([['src/calc.ts', 'mul', 'function']]);
  });
});

describe('stubChanges', () => {
  it('appends ESM stubs: a function returning undefined, a class with its methods, an object for a value', () => {
    const base = { 'src/calc.js': BASE_ESM };
    const symbols = findMissingSymbols(
      [fail('mul is not a function'), fail("Cannot read properties of undefined (reading 'max')", 'x')],
      { 'test/calc.test.js': `${TEST}it('s', () => { new Stack(); LIMITS.max; });\n` },
      { 'src/calc.js': HEAD_ESM },
      base,
    );
    const [change] = stubChanges(symbols, base);
    expect(change?.path).toBe('src/calc.js');
    expect(change?.before).toBe(BASE_ESM);
    expect(change?.after).toContain(BASE_ESM);
    expect(change?.after).toContain('export function mul() { return undefined; }');
    expect(change?.after).toContain(
      'export class Stack { push() { return undefined; } get size() { return undefined; } static of() { return undefined; } }',
    );
    expect(change?.after).toContain('export const LIMITS = {};');
  });

  it('writes CommonJS stubs, typed TypeScript stubs, and exports an existing unexported declaration as is', () => {
    const cjs = stubChanges(
      [
        {
          module: 'src/c.cjs',
          name: 'mul',
          kind: 'function',
          members: [],
          format: 'cjs',
          local: false,
          explains: [],
        },
      ],
      { 'src/c.cjs': 'exports.add = 1;' },
    );
    expect(cjs[0]?.after).toMatch(
      /exports\.add = 1;\n.*\nmodule\.exports\.mul = function mul\(\) \{ return undefined; \};\n$/,
    );
    const typed = stubChanges(
      [
        {
          module: 'src/c.ts',
          name: 'mul',
          kind: 'function',
          members: [],
          format: 'esm',
          local: false,
          explains: [],
        },
      ],
      { 'src/c.ts': '' },
    );
    expect(typed[0]?.after).toContain('export function mul(..._args: any[]): any { return undefined; }');
    const local = stubChanges(
      [
        {
          module: 'src/c.js',
          name: 'mul',
          kind: 'function',
          members: [],
          format: 'esm',
          local: true,
          explains: [],
        },
      ],
      { 'src/c.js': 'function mul() {}\n' },
    );
    expect(local[0]?.after).toContain('export { mul };');
  });
});
