import type { BaselineSummary, FailureNote, GreenVerdict } from '../src/core/evidence.js';
import type { TestReport } from '../src/core/report.js';
import { newErrors, problemText } from './baseline-errors.js';
import { failureLine } from './red-gate.js';

export interface GreenInput {
  baseline: BaselineSummary;
  newTestIds: readonly string[];
  /** Locked files the fix changed (already reverted by the runtime). */
  lockedChanged: readonly string[];
  /** The new tests alone; run first to fail fast. */
  targeted: TestReport;
  /** The whole suite; null when the targeted run already failed. */
  full: TestReport | null;
  reportSha: string;
}

function failuresOf(report: TestReport, only?: ReadonlySet<string>): FailureNote[] {
  const fromTests = report.tests
    .filter((t) => t.state === 'failed' && (only === undefined || only.has(t.id)))
    .map((t) => ({
      id: t.id,
      class: t.failure?.class ?? 'unknown',
      message: failureLine(t.failure?.message ?? '', t.failure?.expected, t.failure?.actual),
    }));
  const fromCollection = report.collectionErrors.map((e) => ({
    id: e.file || '(run)',
    class: e.class,
    message: e.message.split('\n')[0]!.slice(0, 400),
  }));
  return [...fromCollection, ...fromTests];
}

/** GREEN: locked files untouched, new tests pass, the whole suite passes, no test lost or newly skipped. */
export function evaluateGreen(input: GreenInput): GreenVerdict {
  const { baseline, targeted, full, reportSha } = input;
  const base = { reportSha, reverted: [...input.lockedChanged], preexistingFailures: [] as string[] };
  if (input.lockedChanged.length > 0) {
    return {
      ...base,
      ok: false,
      reason: 'locked_changed',
      failures: [],
      message: `the fix changed locked test files, which were reverted: ${input.lockedChanged.join(', ')}`,
    };
  }
  if (targeted.problem !== undefined) {
    return {
      ...base,
      ok: false,
      reason: 'new_tests_fail',
      failures: [{ id: '(run)', class: 'unknown', message: targeted.problem.message }],
      message: `the new tests do not pass: the run proves nothing: ${problemText(targeted.problem)}`,
    };
  }
  const fresh = new Set(input.newTestIds);
  const byId = new Map(targeted.tests.map((t) => [t.id, t]));
  const notPassing = input.newTestIds.filter((id) => byId.get(id)?.state !== 'passed');
  const targetedErrors = newErrors(targeted.collectionErrors, baseline.errors);
  if (targeted.timedOut || targetedErrors.length > 0 || notPassing.length > 0) {
    const failures = failuresOf({ ...targeted, collectionErrors: targetedErrors }, fresh);
    const missing = notPassing.filter((id) => !byId.has(id));
    return {
      ...base,
      ok: false,
      reason: 'new_tests_fail',
      failures,
      message: `the new tests do not pass: ${[
        ...failures.map((f) => `${f.id}: ${f.class}: ${f.message}`),
        ...missing.map((id) => `${id}: not collected`),
        ...(targeted.timedOut ? ['the run timed out'] : []),
      ].join('; ')}`,
    };
  }
  if (full === null)
    throw new Error('evaluateGreen: the full suite report is required once the new tests pass');
  if (full.problem !== undefined) {
    return {
      ...base,
      ok: false,
      reason: 'suite_fails',
      failures: [{ id: '(run)', class: 'unknown', message: full.problem.message }],
      message: `the full suite proves nothing: ${problemText(full.problem)}`,
    };
  }
  const fullErrors = newErrors(full.collectionErrors, baseline.errors);
  const heldAside = full.collectionErrors.length - fullErrors.length;
  const failingBefore = new Set(baseline.failing);
  const newlyFailing = full.tests.filter((t) => t.state === 'failed' && !failingBefore.has(t.id));
  const preexisting = full.tests
    .filter((t) => t.state === 'failed' && failingBefore.has(t.id))
    .map((t) => t.id);
  if (full.timedOut || fullErrors.length > 0 || newlyFailing.length > 0) {
    const failures = failuresOf({ ...full, collectionErrors: fullErrors, tests: newlyFailing });
    return {
      ...base,
      preexistingFailures: preexisting,
      ok: false,
      reason: 'suite_fails',
      failures,
      message: `the full suite fails: ${failures.map((f) => `${f.id}: ${f.class}: ${f.message}`).join('; ') || 'the run timed out'}`,
    };
  }
  const collected = new Set(full.tests.map((t) => t.id));
  const lost = [...baseline.testIds, ...input.newTestIds].filter((id) => !collected.has(id));
  if (lost.length > 0) {
    return {
      ...base,
      ok: false,
      reason: 'tests_lost',
      failures: [],
      message: `tests disappeared from the suite: ${lost.join(', ')}`,
    };
  }
  const skippedBefore = new Set(baseline.skipped);
  const newlySkipped = full.tests.filter(
    (t) => (t.state === 'skipped' || t.state === 'todo') && !skippedBefore.has(t.id),
  );
  if (newlySkipped.length > 0) {
    return {
      ...base,
      ok: false,
      reason: 'skip_added',
      failures: [],
      message: `tests became skipped or todo: ${newlySkipped.map((t) => t.id).join(', ')}`,
    };
  }
  return {
    ...base,
    preexistingFailures: preexisting,
    ok: true,
    reason: 'green',
    failures: [],
    message: `GREEN: ${input.newTestIds.length} new test(s) pass; full suite of ${full.tests.length} test(s) passes${
      preexisting.length > 0 ? ` (already failing before the run: ${preexisting.join(', ')})` : ''
    }${heldAside > 0 ? ` (${heldAside} error(s) outside tests already present before the run, held aside)` : ''}`,
  };
}
