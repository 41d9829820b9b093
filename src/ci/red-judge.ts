import type { MissingSymbol } from '../../gates/missing-symbol.js';
import { evaluateRed } from '../../gates/red-gate.js';
import type { BaselineError, ChangedExpectation, RedVerdict } from '../core/evidence.js';
import type { TestReport } from '../core/report.js';
import type { DeclaredTest } from './test-diff.js';

/** Assertion counts of head's declared tests, looked up by a runner's test id. */
export interface DeclaredCounts {
  of(id: string): number;
}

const PLACEHOLDER = /%[sdifjoOp#]|\$\{[^}]*\}|\$[\w.]+/g;

/** `adds %i + %i`, `sums $a`, `${name}` as a pattern over the titles a runner prints. */
function titlePattern(name: string): RegExp {
  const parts = name.split(PLACEHOLDER).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

/** Whether a runner's test id is one that `declared` generates (`adds 1 + 2` from `adds %i + %i`). */
export function generatedBy(declared: DeclaredTest, id: string): boolean {
  return id.split(' > ')[0] === declared.file && titlePattern(declared.id).test(id);
}

/** Counts from source; a generated title (test.each) takes its declaration's count. */
export function declaredCounts(head: ReadonlyMap<string, DeclaredTest>): DeclaredCounts {
  const list = [...head.values()];
  return {
    of(id) {
      const exact = head.get(id);
      if (exact !== undefined) return exact.assertions;
      // A parametrized pytest test is reported once per parameter set: `test_area[2-3]`.
      const unparametrized = head.get(id.replace(/\[[^\]]*\]$/, ''));
      if (unparametrized !== undefined) return unparametrized.assertions;
      const match = list.find((t) => generatedBy(t, id));
      return match?.assertions ?? 0;
    },
  };
}

/**
 * The RED gate's judgement of one test in a report, so `ci check` and `fix` share one definition of "fails for
 * the right reason": every other test counts as pre-existing with the state it has, so only `id` is new.
 * A test that needed stubs must then fail by assertion: a stub that returns undefined proves nothing else.
 * `baseErrors` are the errors outside tests that base's full suite run had; `unrelated` the failures that use
 * no production value (gates/production-use.ts). `changed` is set when `id` is an existing test the change
 * rewrote: it then counts only when it fails by an assertion (a pull request states no reason, so no naming rule).
 */
export function judgeOnBase(
  report: TestReport,
  id: string,
  file: string,
  counts: DeclaredCounts,
  stubbed: readonly MissingSymbol[],
  baseErrors: readonly BaselineError[] = [],
  unrelated: Readonly<Record<string, string>> = {},
  changed?: { change: ChangedExpectation; allowed: boolean },
): RedVerdict {
  const others = report.tests.filter((t) => t.id !== id);
  const verdict = evaluateRed({
    baseline: {
      testIds: others.map((t) => t.id),
      failing: others.filter((t) => t.state === 'failed').map((t) => t.id),
      skipped: [],
      reportSha: '',
      collectionErrors: baseErrors.length,
      // Errors base's own suite run already had are the environment's, never the pull request's.
      errors: [...baseErrors],
    },
    report,
    reportSha: '',
    patchedFiles: [file],
    assertions: { [id]: counts.of(id) },
    unrelated,
    ...(changed === undefined
      ? {}
      : { changed: { expectations: [changed.change], allowed: changed.allowed, stated: null } }),
  });
  if (verdict.reason === 'no_new_tests')
    return { ...verdict, message: `${id} was not collected when run on the base production code` };
  if (stubbed.length === 0) return verdict;
  const names = stubbed.map((s) => s.name).join(', ');
  if (verdict.reason === 'passes')
    return {
      ...verdict,
      message: `${id} passes on base once ${names} is stubbed: it uses the new code without checking what it does`,
    };
  const failure = verdict.failures.find((f) => f.id === id);
  if (verdict.ok && failure?.class !== 'assertion')
    return {
      ...verdict,
      ok: false,
      reason: 'wrong_reason',
      message: `fails for the wrong reason: with ${names} stubbed, ${id} fails by ${failure?.class ?? 'unknown'}, not by an assertion`,
    };
  return verdict;
}
