import type { BaselineSummary, ChangedExpectation, FailureNote, RedVerdict } from '../src/core/evidence.js';
import type { FailureClass, TestReport } from '../src/core/report.js';
import { newErrors, problemText } from './baseline-errors.js';
import {
  CHANGED_EXPECTATION_RULE,
  expectationTerms,
  namesExpectation,
  testTitle,
} from './expectation-naming.js';
import { PRODUCTION_VALUE_RULE } from './production-use.js';

/** Failure classes that point at production behavior (DESIGN.md, RED). */
export const RIGHT_REASONS: readonly FailureClass[] = ['assertion', 'not_implemented', 'crash'];

export interface RedInput {
  baseline: BaselineSummary;
  /** A run of only the patched test files on unchanged production code. */
  report: TestReport;
  reportSha: string;
  patchedFiles: readonly string[];
  /** Assertion count per test id, from the test source. */
  assertions: Readonly<Record<string, number>>;
  /**
   * Tests that only ran after symbols they use were stubbed (the missing-symbol rule): they must fail by an
   * assertion, since a stub returning undefined proves nothing else. Names the stubbed symbols for messages.
   */
  stubbed?: { ids: readonly string[]; names: readonly string[] };
  /** New tests whose failing assertion uses no production value, with the statement (see production-use.ts). */
  unrelated?: Readonly<Record<string, string>>;
  /**
   * Existing tests whose body the test patch changed, old → new: each counts like a new test when it fails by an
   * assertion. `allowed` is tests.allowChangedExpectations; `stated` is the task and the patch's stated reason,
   * which must name each change (null where nothing is stated, as for a pull request in `ci check`).
   */
  changed?: { expectations: readonly ChangedExpectation[]; allowed: boolean; stated: string | null };
  /** Existing tests the test patch deleted, skipped or weakened, one message each (src/ci/test-diff.ts). */
  weakened?: readonly string[];
}

/** `id: old → new`, the changed assertion lines of one test, in one line. */
export function expectationLine(c: ChangedExpectation): string {
  const side = (lines: readonly string[]) => (lines.length === 0 ? '(nothing)' : lines.join(' ⏎ '));
  return `${c.id}: ${side(c.old)} → ${side(c.new)}`;
}

/** What would name a change, for the refusal: its title, then the terms of its changed lines. */
function namingHint(c: ChangedExpectation): string {
  const { names, values } = expectationTerms(c);
  const terms = [...names, ...values].slice(0, 8).map((t) => `\`${t}\``);
  return `"${testTitle(c.id)}"${terms.length > 0 ? ` or ${terms.join(', ')}` : ''}`;
}

/** One line per failure: the message's first line, with expected/actual when the runner gave them. */
export function failureLine(message: string, expected?: string, actual?: string): string {
  const head =
    message
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  const values =
    expected !== undefined || actual !== undefined
      ? ` (expected ${expected ?? '?'}, got ${actual ?? '?'})`
      : '';
  return `${head.replace(/:$/, '')}${values}`.slice(0, 400);
}

function note(
  id: string,
  cls: FailureClass,
  message: string,
  expected?: string,
  actual?: string,
): FailureNote {
  return { id, class: cls, message: failureLine(message, expected, actual) };
}

/** RED: the new tests exist, assert something, and fail for a reason that points at production code. */
function notFailingIds(tests: ReadonlyArray<{ id: string; state: string }>): string[] {
  return tests.filter((t) => t.state !== 'failed').map((t) => t.id);
}

export function evaluateRed(input: RedInput): RedVerdict {
  const { baseline, report, reportSha, patchedFiles } = input;
  const expectations = input.changed?.expectations ?? [];
  const base = {
    reportSha,
    newTestIds: [] as string[],
    failures: [] as FailureNote[],
    ...(expectations.length > 0 ? { changedExpectations: [...expectations] } : {}),
  };
  const inPatch = new Set(patchedFiles);
  const changedIds = new Set(expectations.map((c) => c.id));

  if (report.timedOut) {
    return {
      ...base,
      ok: false,
      reason: 'wrong_reason',
      message: 'fails for the wrong reason: the test run timed out',
    };
  }
  if (report.problem !== undefined) {
    const why = problemText(report.problem);
    if (report.problem.kind === 'no_tests')
      return {
        ...base,
        ok: false,
        reason: 'no_new_tests',
        message: `no new test was collected from ${patchedFiles.join(', ')}: ${why}`,
      };
    return {
      ...base,
      failures: [note('(run)', 'unknown', report.problem.message)],
      ok: false,
      reason: 'run_failed',
      message: `the test run proves nothing: ${why}`,
    };
  }
  // Errors the baseline already had (the environment's, not the proposal's) are held aside.
  const collection = newErrors(
    report.collectionErrors.filter((e) => inPatch.has(e.file) || e.file === ''),
    baseline.errors,
  );
  if (collection.length > 0) {
    const failures = collection.map((e) => note(e.file || '(run)', e.class, e.message));
    return {
      ...base,
      failures,
      ok: false,
      reason: 'wrong_reason',
      message: `fails for the wrong reason: ${failures.map((f) => `${f.id}: ${f.class}: ${f.message}`).join('; ')}`,
    };
  }
  const weakened = input.weakened ?? [];
  if (weakened.length > 0) {
    return {
      ...base,
      ok: false,
      reason: 'broke_existing',
      message: `the test patch deletes, skips or weakens existing tests: ${weakened.join('; ')}; existing tests must keep their status and their assertions: add new tests instead`,
    };
  }
  if (expectations.length > 0 && input.changed?.allowed === false) {
    return {
      ...base,
      ok: false,
      reason: 'expectations_locked',
      message: `the test patch changes existing tests (${expectations.map(expectationLine).join('; ')}), and tests.allowChangedExpectations is false in agentctl.config.json, so existing tests may not change: add new tests instead and leave the existing ones as they are; if the task really reverses what an existing test asserts, a maintainer can set tests.allowChangedExpectations to true`,
    };
  }
  const previous = new Set(baseline.testIds);
  const failingBefore = new Set(baseline.failing);
  const broke = report.tests.filter(
    (t) => previous.has(t.id) && !failingBefore.has(t.id) && !changedIds.has(t.id) && t.state === 'failed',
  );
  if (broke.length > 0) {
    return {
      ...base,
      failures: broke.map((t) => note(t.id, t.failure?.class ?? 'unknown', t.failure?.message ?? '')),
      ok: false,
      reason: 'broke_existing',
      message: `the test patch changes the status of existing tests: ${broke.map((t) => t.id).join(', ')}, which it does not change; existing tests must keep their status: add new tests instead, or, when the task reverses what one of them asserts, change that test's expectation itself (${CHANGED_EXPECTATION_RULE})`,
    };
  }
  // A changed existing test is a candidate like a new one; the rules below hold it to an assertion failure.
  const fresh = report.tests.filter(
    (t) => inPatch.has(t.file) && (!previous.has(t.id) || changedIds.has(t.id)),
  );
  const newTestIds = fresh.map((t) => t.id);
  if (fresh.length === 0) {
    return {
      ...base,
      ok: false,
      reason: 'no_new_tests',
      message: `no new test was collected from ${patchedFiles.join(', ')}`,
    };
  }
  const notFailing = fresh.filter((t) => t.state !== 'failed' && !(input.stubbed?.ids ?? []).includes(t.id));
  if (notFailing.length > 0) {
    return {
      ...base,
      newTestIds,
      ok: false,
      reason: 'passes',
      message: `does not constrain behavior: ${notFailing.map((t) => `${t.id}${changedIds.has(t.id) ? ' (an existing test whose expectation the patch changes)' : ''} ${t.state === 'passed' ? 'passes' : `is ${t.state}`}`).join('; ')} on unchanged production code${notFailing.some((t) => changedIds.has(t.id)) ? `; ${CHANGED_EXPECTATION_RULE}` : ''}`,
    };
  }
  const stubbed = new Set(input.stubbed?.ids ?? []);
  const names = input.stubbed?.names.join(', ') ?? '';
  const passingStubbed = notFailingIds(fresh).filter((id) => stubbed.has(id));
  if (passingStubbed.length > 0) {
    return {
      ...base,
      newTestIds,
      ok: false,
      reason: 'passes',
      message: `does not constrain behavior: ${passingStubbed.join(', ')} passes once ${names} is stubbed; it uses the new code without checking what it does`,
    };
  }
  const failures = fresh.map((t) =>
    note(
      t.id,
      t.failure?.class ?? 'unknown',
      t.failure?.message ?? '',
      t.failure?.expected,
      t.failure?.actual,
    ),
  );
  const wrong = failures.filter(
    (f) =>
      !RIGHT_REASONS.includes(f.class) ||
      ((stubbed.has(f.id) || changedIds.has(f.id)) && f.class !== 'assertion'),
  );
  if (wrong.length > 0) {
    return {
      ...base,
      newTestIds,
      failures,
      ok: false,
      reason: 'wrong_reason',
      message: `fails for the wrong reason: ${wrong.map((f) => `${f.id}: ${f.class}: ${f.message}`).join('; ')}${wrong.some((f) => changedIds.has(f.id)) ? `; ${CHANGED_EXPECTATION_RULE}` : ''}`,
    };
  }
  const unrelated = failures.filter((f) => input.unrelated?.[f.id] !== undefined);
  if (unrelated.length > 0) {
    return {
      ...base,
      newTestIds,
      failures,
      ok: false,
      reason: 'wrong_reason',
      message: `fails for the wrong reason: ${PRODUCTION_VALUE_RULE}; ${unrelated.map((f) => `${f.id} fails at \`${input.unrelated?.[f.id] ?? ''}\`, which uses nothing production code computed`).join('; ')}`,
    };
  }
  const empty = newTestIds.filter((id) => (input.assertions[id] ?? 0) < 1);
  if (empty.length > 0) {
    return {
      ...base,
      newTestIds,
      failures,
      ok: false,
      reason: 'no_assertions',
      message: `holds no assertion: ${empty.join(', ')}`,
    };
  }
  const stated = input.changed?.stated ?? null;
  const unnamed = stated === null ? [] : expectations.filter((c) => !namesExpectation(stated, c));
  if (unnamed.length > 0) {
    return {
      ...base,
      newTestIds,
      failures,
      ok: false,
      reason: 'expectation_unnamed',
      message: `the test patch changes existing tests, but neither the task nor propose_test's changedExpectations names the behaviour reversed: ${unnamed.map((c) => `${expectationLine(c)} (name ${namingHint(c)})`).join('; ')}; ${CHANGED_EXPECTATION_RULE}`,
    };
  }
  const reversed =
    expectations.length > 0
      ? `; changes the expectation of ${expectations.map(expectationLine).join('; ')}`
      : '';
  return {
    ...base,
    newTestIds,
    failures,
    ok: true,
    reason: 'red',
    message: `RED: ${failures.map((f) => `${f.id} fails by ${f.class}: ${f.message}`).join('; ')}${reversed}`,
  };
}
