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

/** OLD rewritten by the test patch: it pinned the old behaviour, 1, and now expects 2. */
const rewritten = { id: OLD, old: ['assert.equal(round(0.5), 1);'], new: ['assert.equal(round(0.5), 2);'] };
const oldFailsByAssertion = t(OLD, 'failed', ['assertion', 'expected 1 to equal 2']);

/** RED's inputs when the patch rewrote OLD: allowed, and with `stated` as the task and the stated reason. */
function changing(tests: Parameters<typeof report>[0], stated: string | null, allowed = true): RedInput {
  return input(tests, {
    assertions: { [OLD]: 1 },
    changed: { expectations: [rewritten], allowed, stated },
  });
}

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
  expectation_unnamed: {
    input: changing([oldFailsByAssertion], 'fix the rounding bug'),
    message:
      /neither the task nor propose_test's changedExpectations names .*name "keeps working" or `round`/,
  },
  expectations_locked: {
    input: changing([oldFailsByAssertion], 'round(0.5) should be 2', false),
    message: /tests\.allowChangedExpectations is false in agentctl\.config\.json.*add new tests instead/,
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

  it('a changed expectation that fails on base by assertion and is named is RED, and says old → new', () => {
    const verdict = evaluateRed(changing([oldFailsByAssertion], 'round() must round half to even'));
    expect(verdict).toMatchObject({ ok: true, reason: 'red', newTestIds: [OLD] });
    expect(verdict.changedExpectations).toEqual([rewritten]);
    expect(verdict.message).toContain(
      'changes the expectation of test/a.test.ts > keeps working: assert.equal(round(0.5), 1); → assert.equal(round(0.5), 2);',
    );
  });

  it('the title, a checked value or a checked name each name a change; assertion words do not', () => {
    const named = (stated: string) => evaluateRed(changing([oldFailsByAssertion], stated)).ok;
    expect(named('the test "Keeps  working" pinned a bug')).toBe(true);
    expect(named('0.5 rounds to 2 now')).toBe(true);
    expect(named('ROUND is wrong')).toBe(true);
    expect(named('assert.equal was wrong')).toBe(false);
    expect(named('surround the value')).toBe(false);
  });

  it('a changed expectation whose test passes on base is refused', () => {
    const verdict = evaluateRed(changing([t(OLD, 'passed')], 'round(0.5) should be 2'));
    expect(verdict).toMatchObject({ ok: false, reason: 'passes' });
    expect(verdict.message).toMatch(/an existing test whose expectation the patch changes\) passes/);
  });

  it('a changed expectation must fail by assertion, not by a crash', () => {
    const crash = t(OLD, 'failed', ['crash', 'round is not a function']);
    expect(evaluateRed(changing([crash], 'round(0.5) should be 2'))).toMatchObject({
      ok: false,
      reason: 'wrong_reason',
    });
  });

  it('an unchanged existing test that now fails is still refused, with the rule', () => {
    const verdict = evaluateRed(input([t(OLD, 'failed', ['assertion', 'now differs']), failsByAssertion]));
    expect(verdict.message).toMatch(/existing tests must keep their status: add new tests instead, or/);
  });

  it('a test patch that deletes, skips or weakens an existing test is refused', () => {
    const verdict = evaluateRed(
      input([t(OLD, 'passed'), failsByAssertion], {
        weakened: [`${OLD} lost assertions: 2 on base, 1 on head`],
      }),
    );
    expect(verdict).toMatchObject({ ok: false, reason: 'broke_existing' });
    expect(verdict.message).toMatch(/deletes, skips or weakens existing tests: .*lost assertions/);
  });

  it('a stubbed test must fail by an assertion', () => {
    const crash = t(NEW, 'failed', ['crash', 'x is not a function']);
    const stubbed = input([t(OLD, 'passed'), crash], { stubbed: { ids: [NEW], names: ['src/a.ts#round'] } });
    expect(evaluateRed(stubbed)).toMatchObject({ ok: false, reason: 'wrong_reason' });
  });
});
