import type { PathKind } from '../src/policy/path-kinds.js';

export type ScopeVerdict =
  { ok: true } | { ok: false; path: string; rule: 'wrong_kind' | 'locked'; message: string };

/**
 * SCOPE, the part that depends on the phase: a test proposal touches test files only, a fix touches
 * production code only, and so does a non-behavioral change (tests stay locked). (Allow/deny globs and path safety are the path guard's job.)
 */
export function checkScope(
  patchKind: 'test' | 'fix' | 'change',
  paths: readonly string[],
  kindOf: (path: string) => PathKind,
): ScopeVerdict {
  for (const path of paths) {
    const kind = kindOf(path);
    if (patchKind === 'test' && kind !== 'test') {
      return {
        ok: false,
        path,
        rule: 'wrong_kind',
        message: `${path} is ${kind === 'production' ? 'production code' : 'test configuration'}; a test proposal may only touch test files`,
      };
    }
    if (patchKind === 'change' && kind !== 'production') {
      return {
        ok: false,
        path,
        rule: 'locked',
        message: `${path} is a ${kind === 'test' ? 'test file' : 'test configuration file'}; tests stay locked in a non-behavioral change`,
      };
    }
    if (patchKind === 'fix' && kind !== 'production') {
      return {
        ok: false,
        path,
        rule: 'locked',
        message: `${path} is a ${kind === 'test' ? 'test file' : 'test configuration file'}, locked after RED; a fix may only touch production code`,
      };
    }
  }
  return { ok: true };
}
