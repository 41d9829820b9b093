import { describe, expect, it } from 'vitest';
import { evaluateGreen, type GreenInput } from '../../gates/green-gate.js';
import type { GreenVerdict } from '../../src/core/evidence.js';
import { BAD_REPORT, NO_TESTS, baseline, cacheError, report, t } from './gate-fixtures.js';

const OLD = t('test/a.test.js > old', 'passed');
const NEW = t('test/a.test.js > new', 'passed');
const input = (over: Partial<GreenInput>): GreenInput => ({
  baseline: baseline([OLD]),
  newTestIds: [NEW.id],
  lockedChanged: [],
  targeted: report([OLD, NEW]),
  full: report([OLD, NEW]),
  reportSha: 'sha',
  ...over,
});

// One row per verdict the GREEN gate can give: [what, input, reason, message pattern].
const rows: Array<[string, GreenInput, GreenVerdict['reason'], RegExp]> = [
  [
    'the new tests and the suite pass',
    input({}),
    'green',
    /^GREEN: 1 new test\(s\) pass; full suite of 2 test\(s\) passes$/,
  ],
  [
    'the fix touched a locked file',
    input({ lockedChanged: ['test/a.test.js'] }),
    'locked_changed',
    /changed locked test files/,
  ],
  [
    'a new test still fails',
    input({ targeted: report([OLD, t(NEW.id, 'failed', ['assertion', 'expected 3'])]), full: null }),
    'new_tests_fail',
    /new tests do not pass: test\/a.test.js > new: assertion/,
  ],
  [
    'the targeted run wrote no usable report',
    input({ targeted: report([OLD, NEW], [], { problem: BAD_REPORT }), full: null }),
    'new_tests_fail',
    /the run proves nothing: vitest's test report is unusable.*\n.*worker exited/,
  ],
  [
    'another test fails in the full suite',
    input({ full: report([t(OLD.id, 'failed', ['assertion', 'x']), NEW]) }),
    'suite_fails',
    /full suite fails: test\/a.test.js > old: assertion/,
  ],
  [
    'the full suite collected no tests',
    input({ full: report([], [], { problem: NO_TESTS }) }),
    'suite_fails',
    /full suite proves nothing: vitest collected no tests \(0 tests collected\)/,
  ],
  [
    'a file fails to load in the full suite',
    input({
      full: report([OLD, NEW], [{ file: 'test/b.test.js', class: 'import', message: 'Cannot find module' }]),
    }),
    'suite_fails',
    /test\/b.test.js: import: Cannot find module/,
  ],
  [
    'a test disappeared',
    input({ full: report([NEW]) }),
    'tests_lost',
    /disappeared from the suite: test\/a.test.js > old/,
  ],
  [
    'a test became skipped',
    input({ full: report([t(OLD.id, 'skipped'), NEW]) }),
    'skip_added',
    /became skipped or todo: test\/a.test.js > old/,
  ],
];

describe('evaluateGreen, one row per verdict', () => {
  it.each(rows)('%s', (_what, given, reason, message) => {
    const verdict = evaluateGreen(given);
    expect(verdict.reason).toBe(reason);
    expect(verdict.ok).toBe(reason === 'green');
    expect(verdict.message).toMatch(message);
  });
});

describe('GREEN judges against the baseline', () => {
  it('holds aside errors the baseline already had, and says so', () => {
    const verdict = evaluateGreen(
      input({
        baseline: baseline([OLD], [cacheError('/tmp/wt')]),
        targeted: report([NEW], [cacheError('/tmp/wt')]),
        full: report([OLD, NEW], [cacheError('/tmp/wt')]),
      }),
    );
    expect(verdict.ok).toBe(true);
    expect(verdict.message).toMatch(/1 error\(s\) outside tests already present before the run, held aside/);
  });

  it('keeps tests failing before the run out of the fix’s account', () => {
    const failing = t('test/a.test.js > colour', 'failed', ['assertion', 'no colour']);
    const verdict = evaluateGreen(
      input({ baseline: baseline([OLD, failing]), full: report([OLD, failing, NEW]) }),
    );
    expect(verdict).toMatchObject({ ok: true, preexistingFailures: [failing.id] });
  });
});
