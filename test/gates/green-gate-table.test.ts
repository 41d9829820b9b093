import { describe, expect, it } from 'vitest';
import { evaluateGreen, type GreenInput } from '../../gates/green-gate.js';
import type { GreenVerdict } from '../../src/core/evidence.js';
import { baseline, report, t } from './gate-fixtures.js';

const OLD = 'test/a.test.ts > keeps working';
const SKIPPED = 'test/a.test.ts > later';
const NEW = 'test/a.test.ts > rounds half up';
const base = baseline([t(OLD, 'passed'), t(SKIPPED, 'skipped')]);
const allPass = [t(OLD, 'passed'), t(SKIPPED, 'skipped'), t(NEW, 'passed')];

/** GREEN's inputs: the targeted run of the new test, then the full suite reporting `full`. */
function input(full: Parameters<typeof report>[0] | null, extra: Partial<GreenInput> = {}): GreenInput {
  return {
    baseline: base,
    newTestIds: [NEW],
    lockedChanged: [],
    targeted: report([t(NEW, 'passed')]),
    full: full === null ? null : report(full),
    reportSha: 'g1',
    ...extra,
  };
}

/**
 * One row per verdict GREEN can give; a verdict kind added to GreenVerdict fails to compile until it has a row.
 * `run_failed` has none: evaluateGreen reports a broken run as the failure of the stage it broke.
 */
const rows = {
  green: input(allPass),
  new_tests_fail: input(null, { targeted: report([t(NEW, 'failed', ['assertion', 'expected 3 to be 2'])]) }),
  suite_fails: input([t(OLD, 'failed', ['assertion', 'broken']), t(SKIPPED, 'skipped'), t(NEW, 'passed')]),
  tests_lost: input([t(SKIPPED, 'skipped'), t(NEW, 'passed')]),
  skip_added: input([t(OLD, 'skipped'), t(SKIPPED, 'skipped'), t(NEW, 'passed')]),
  locked_changed: input(allPass, { lockedChanged: ['test/a.test.ts'] }),
  run_failed: null,
} satisfies Record<GreenVerdict['reason'], GreenInput | null>;

describe('evaluateGreen, one row per verdict', () => {
  it.each(Object.entries(rows).filter((row): row is [string, GreenInput] => row[1] !== null))(
    '%s',
    (reason, row) => {
      const verdict = evaluateGreen(row);
      expect(verdict.reason).toBe(reason);
      expect(verdict.ok).toBe(reason === 'green');
    },
  );

  it('a locked file the fix touched is listed as reverted', () => {
    expect(evaluateGreen(rows.locked_changed).reverted).toEqual(['test/a.test.ts']);
  });

  it('a test already failing before the run is reported, not blamed on the fix', () => {
    const was = baseline([t(OLD, 'failed', ['assertion', 'old bug'])]);
    const verdict = evaluateGreen(
      input([t(OLD, 'failed', ['assertion', 'old bug']), t(NEW, 'passed')], { baseline: was }),
    );
    expect(verdict).toMatchObject({ ok: true, reason: 'green', preexistingFailures: [OLD] });
  });
});
