import { describe, expect, it } from 'vitest';
import { evaluateRed, type RedInput } from '../../gates/red-gate.js';
import type { RedVerdict } from '../../src/core/evidence.js';
import { BAD_REPORT, baseline, report, t } from './gate-fixtures.js';

const OLD = 'test/a.test.ts > keeps working';
const NEW = 'test/a.test.ts > rounds half up';
const base = baseline([t(OLD, 'passed')]);

/** RED's inputs for a run of the patched file `test/a.test.ts`; `tests` are what the run reported. */
function input(tests: Parameters<typeof report>[0], extra: Partial<RedInput> = {}): RedInput {
  return {
    baseline: base,
    report: report(tests),
    reportSha: 'r1',
    patchedFiles: ['test/a.test.ts'],
    assertions: { [NEW]: 1 },
    ...extra,
  };
}

const failsByAssertion = t(NEW, 'failed', ['assertion', 'expected 3 to be 2']);

/** One row per verdict RED can give; a verdict kind added to RedVerdict fails to compile until it has a row. */
const rows = {
  red: { input: input([t(OLD, 'passed'), failsByAssertion]), message: /^RED: .*fails by assertion/ },
  passes: { input: input([t(OLD, 'passed'), t(NEW, 'passed')]), message: /does not constrain behavior/ },
  wrong_reason: {
    input: input([t(OLD, 'passed'), t(NEW, 'failed', ['syntax', 'Unexpected token'])]),
    message: /fails for the wrong reason: .*syntax/,
  },
  no_new_tests: { input: input([t(OLD, 'passed')]), message: /no new test was collected/ },
  no_assertions: {
    input: input([t(OLD, 'passed'), failsByAssertion], { assertions: {} }),
    message: /holds no assertion/,
  },
  broke_existing: {
    input: input([t(OLD, 'failed', ['assertion', 'now differs']), failsByAssertion]),
    message: /changes the status of existing tests/,
  },
  run_failed: {
    input: { ...input([]), report: report([], [], { problem: BAD_REPORT }) },
    message: /the test run proves nothing/,
  },
} satisfies Record<RedVerdict['reason'], { input: RedInput; message: RegExp }>;

describe('evaluateRed, one row per verdict', () => {
  it.each(Object.entries(rows))('%s', (reason, row) => {
    const verdict = evaluateRed(row.input);
    expect(verdict.reason).toBe(reason);
    expect(verdict.ok).toBe(reason === 'red');
    expect(verdict.message).toMatch(row.message);
  });

  it('a timed-out run fails for the wrong reason', () => {
    const timedOut = {
      ...input([failsByAssertion]),
      report: report([failsByAssertion], [], { timedOut: true }),
    };
    expect(evaluateRed(timedOut)).toMatchObject({ ok: false, reason: 'wrong_reason' });
  });

  it('a stubbed test must fail by an assertion', () => {
    const crash = t(NEW, 'failed', ['crash', 'x is not a function']);
    const stubbed = input([t(OLD, 'passed'), crash], { stubbed: { ids: [NEW], names: ['src/a.ts#round'] } });
    expect(evaluateRed(stubbed)).toMatchObject({ ok: false, reason: 'wrong_reason' });
  });
});
