import { describe, expect, it } from 'vitest';
import { classifyChange, type ChangeCategory, type ChangeStatus } from '../../gates/behavior-change.js';
import type { PathKind } from '../../src/policy/path-kinds.js';

const kindOf = (path: string): PathKind =>
  path.includes('.test.') ? 'test' : path.startsWith('vitest.config') ? 'test_config' : 'production';

interface Row {
  path: string;
  status?: ChangeStatus;
  before: string | null;
  after: string | null;
  behaviorChanging: boolean;
  reason: RegExp;
}

/** One or more rows per category the classifier can give; a category added fails to compile until it has rows. */
const rows = {
  non_code: [{ path: 'README.md', before: 'a', after: 'b', behaviorChanging: false, reason: /not code/ }],
  test: [{ path: 'test/a.test.ts', before: 'x', after: 'y', behaviorChanging: false, reason: /a test file/ }],
  test_config: [
    {
      path: 'vitest.config.ts',
      before: 'a',
      after: 'b',
      behaviorChanging: true,
      reason: /test configuration/,
    },
  ],
  dependency: [
    {
      path: 'package.json',
      before: '{"name":"p","version":"1.0.0"}',
      after: '{"name":"p","version":"1.0.1"}',
      behaviorChanging: false,
      reason: /metadata only/,
    },
    {
      path: 'package.json',
      before: '{"name":"p","dependencies":{}}',
      after: '{"name":"p","dependencies":{"left-pad":"1.0.0"}}',
      behaviorChanging: true,
      reason: /dependency manifests/,
    },
    {
      path: 'package-lock.json',
      before: '{}',
      after: '{"a":1}',
      behaviorChanging: true,
      reason: /lockfiles/,
    },
  ],
  production: [
    {
      path: 'src/a.ts',
      before: 'export const a = 1;',
      after: '// one\nexport const a: number = 1;\n',
      behaviorChanging: false,
      reason: /comments, formatting or types only/,
    },
    {
      path: 'src/a.ts',
      before: 'export const a = 1;',
      after: 'export const a = 2;',
      behaviorChanging: true,
      reason: /runtime syntax changed/,
    },
    {
      path: 'src/types.ts',
      status: 'added',
      before: null,
      after: 'export interface A { a: number }',
      behaviorChanging: false,
      reason: /types only/,
    },
    {
      path: 'src/a.d.ts',
      before: 'x',
      after: 'y',
      behaviorChanging: false,
      reason: /type declarations only/,
    },
    {
      path: 'src/a.ts',
      before: 'export const a = 1;',
      after: 'export const = ;',
      behaviorChanging: true,
      reason: /does not parse/,
    },
    {
      path: 'lib/a.py',
      before: 'a = 1',
      after: 'a = 1  # same',
      behaviorChanging: true,
      reason: /not JS\/TS/,
    },
  ],
} satisfies Record<ChangeCategory, Row[]>;

describe('classifyChange, rows per category', () => {
  const cases = Object.entries(rows).flatMap(([category, list]) =>
    list.map((row: Row) => ({ category, ...row, name: `${category}: ${row.path} (${row.reason.source})` })),
  );
  it.each(cases)('$name', ({ category, path, status, before, after, behaviorChanging, reason }) => {
    const judged = classifyChange({ path, status: status ?? 'modified', before, after }, kindOf);
    expect(judged).toMatchObject({ path, category, behaviorChanging });
    expect(judged.reason).toMatch(reason);
  });
});
