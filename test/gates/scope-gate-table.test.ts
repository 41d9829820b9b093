import { describe, expect, it } from 'vitest';
import { checkScope, type ScopeVerdict } from '../../gates/scope-gate.js';
import type { PathKind } from '../../src/policy/path-kinds.js';

const kinds: Record<string, PathKind> = {
  'test/a.test.ts': 'test',
  'vitest.config.ts': 'test_config',
  'src/a.ts': 'production',
};
const kindOf = (path: string): PathKind => kinds[path] ?? 'production';

type Outcome = 'ok' | Extract<ScopeVerdict, { ok: false }>['rule'];

/** One row per outcome of the scope gate; a rule added to ScopeVerdict fails to compile until it has a row. */
const rows = {
  ok: [
    { patchKind: 'test', paths: ['test/a.test.ts'] },
    { patchKind: 'fix', paths: ['src/a.ts'] },
  ],
  wrong_kind: [
    { patchKind: 'test', paths: ['test/a.test.ts', 'src/a.ts'], path: 'src/a.ts' },
    { patchKind: 'test', paths: ['vitest.config.ts'], path: 'vitest.config.ts' },
  ],
  locked: [
    { patchKind: 'fix', paths: ['src/a.ts', 'test/a.test.ts'], path: 'test/a.test.ts' },
    { patchKind: 'fix', paths: ['vitest.config.ts'], path: 'vitest.config.ts' },
  ],
} satisfies Record<Outcome, Array<{ patchKind: 'test' | 'fix'; paths: string[]; path?: string }>>;

describe('checkScope, one row per outcome', () => {
  const cases = Object.entries(rows).flatMap(([outcome, list]) =>
    list.map((row) => ({
      outcome,
      ...row,
      name: `${outcome}: ${row.patchKind} touching ${row.paths.join(', ')}`,
    })),
  );
  it.each(cases)('$name', ({ outcome, patchKind, paths, ...row }) => {
    const verdict = checkScope(patchKind, paths, kindOf);
    if (outcome === 'ok') expect(verdict).toEqual({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, rule: outcome, path: 'path' in row ? row.path : '' });
  });
});
