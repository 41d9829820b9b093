import { describe, expect, it } from 'vitest';
import { categorize, classifyChange, runtimeSyntax } from '../../gates/behavior-change.js';
import { Config } from '../../src/policy/config-schema.js';
import { pathClassifier } from '../../src/policy/path-kinds.js';

const { kindOf } = pathClassifier(Config.parse({ test: { runner: 'node' } }));

function same(before: string, after: string, file = 'src/a.ts'): boolean {
  return runtimeSyntax(before, file) === runtimeSyntax(after, file);
}

describe('runtimeSyntax: what cannot change behavior is ignored', () => {
  it('ignores comments, whitespace, quotes, semicolons, trailing commas and parentheses', () => {
    const before = `export function f(a, b) { return a + b * 2; }\nconst x = { a: 'x', b: [1, 2] };\n`;
    const after = `/** doc */\nexport function f(a, b) {\n  // why\n  return a + (b * 2)\n}\nconst x = {\n  a: "x",\n  b: [1, 2,],\n}\n`;
    expect(same(before, after, 'src/a.js')).toBe(true);
  });

  it('ignores type annotations, interfaces, aliases, import type, casts, non-null, generics and overloads', () => {
    const before = `import { helper } from './h.js';
export function first(xs) { return helper(xs)[0]; }
export class Box { value; constructor(v) { this.value = v; } get() { return this.value; } }
`;
    const after = `import type { Thing } from './types.js';
import { helper, type Other } from './h.js';
export interface Shape { x: number }
export type Id = string;
declare const debug: boolean;
export function first<T>(xs: T[]): T;
export function first<T>(xs: readonly T[]): T { return (helper(xs as T[]) as T[])[0]!; }
export class Box<T> implements Shape { private value: T; constructor(v: T) { this.value = v; } public get(): T { return this.value satisfies T; } }
`;
    expect(same(before, after)).toBe(true);
  });

  it('sees changes that run: operators, literals, let/const, unary ops, parameter properties', () => {
    expect(same('const a = b + c;', 'const a = b - c;')).toBe(false);
    expect(same('const a = 1;', 'const a = 2;')).toBe(false);
    expect(same('let a = 1;', 'const a = 1;')).toBe(false);
    expect(same('const a = -b;', 'const a = !b;')).toBe(false);
    expect(
      same('class A { constructor(x: number) {} }', 'class A { constructor(private x: number) {} }'),
    ).toBe(false);
    expect(same('class A extends B {}', 'class A extends C {}')).toBe(false);
    expect(same('class A extends B {}', 'class A extends B<number> {}')).toBe(true);
  });

  it('is null for source that does not parse', () => {
    expect(runtimeSyntax('export function (', 'src/a.js')).toBeNull();
  });
});

describe('classifyChange', () => {
  const change = (path: string, before: string | null, after: string | null) =>
    classifyChange(
      { path, status: before === null ? 'added' : after === null ? 'deleted' : 'modified', before, after },
      kindOf,
    );

  it('sorts files into test, test config, dependency, production and non-code', () => {
    expect(categorize('test/a.test.js', kindOf)).toBe('test');
    expect(categorize('vitest.config.ts', kindOf)).toBe('test_config');
    expect(categorize('agentctl.config.json', kindOf)).toBe('test_config');
    expect(categorize('package-lock.json', kindOf)).toBe('dependency');
    expect(categorize('requirements-dev.txt', kindOf)).toBe('dependency');
    expect(categorize('docs/guide.md', kindOf)).toBe('non_code');
    expect(categorize('img/logo.png', kindOf)).toBe('non_code');
    expect(categorize('src/a.py', kindOf)).toBe('production');
  });

  it('exempts non-code, type-only and reformatted JS/TS; counts any other language change', () => {
    expect(change('README.md', 'a', 'b').behaviorChanging).toBe(false);
    expect(change('src/types.d.ts', 'x', 'y').behaviorChanging).toBe(false);
    expect(change('src/a.js', 'f(1)', '// note\nf( 1 );').behaviorChanging).toBe(false);
    expect(change('src/a.js', 'f(1)', 'f(2)')).toMatchObject({
      behaviorChanging: true,
      reason: 'runtime syntax changed',
    });
    expect(change('src/a.py', 'x = 1', 'x = 1  # note').behaviorChanging).toBe(true);
    expect(change('src/new-types.ts', null, 'export interface A { x: number }').behaviorChanging).toBe(false);
    expect(change('src/new.ts', null, 'export const a = 1;').behaviorChanging).toBe(true);
  });

  it('always counts dependency and test-config changes; never counts test files', () => {
    expect(change('package.json', '{}', '{"x":1}').behaviorChanging).toBe(true);
    expect(change('jest.config.js', 'a', 'a').behaviorChanging).toBe(true);
    expect(change('test/a.test.js', 'a', 'b').behaviorChanging).toBe(false);
  });
});

describe('package.json metadata', () => {
  const kindOf = () => 'production' as const;
  const judge = (before: object, after: object) =>
    classifyChange(
      {
        path: 'package.json',
        status: 'modified',
        before: JSON.stringify(before),
        after: JSON.stringify(after),
      },
      kindOf,
    );

  it('a version bump or new funding link changes no behavior', () => {
    expect(judge({ name: 'x', version: '1.0.0' }, { name: 'x', version: '1.0.1' }).behaviorChanging).toBe(
      false,
    );
    expect(judge({ name: 'x' }, { name: 'x', funding: 'https://example.invalid' }).behaviorChanging).toBe(
      false,
    );
  });

  it('dependencies, entry points and unknown fields still count', () => {
    expect(judge({ dependencies: { a: '1' } }, { dependencies: { a: '2' } }).behaviorChanging).toBe(true);
    expect(judge({ main: 'a.js' }, { main: 'b.js' }).behaviorChanging).toBe(true);
    expect(judge({ version: '1.0.0' }, { version: '1.0.1', somethingNew: true }).behaviorChanging).toBe(true);
  });
});
