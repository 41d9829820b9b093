import { describe, expect, it } from 'vitest';
import { evaluateRed, type RedInput } from '../../gates/red-gate.js';
import type { RedVerdict } from '../../src/core/evidence.js';
import { BAD_REPORT, NO_TESTS, baseline, cacheError, report, t } from './gate-fixtures.js';

const OLD = t('test/a.test.js > old', 'passed');
const NEW = 'test/a.test.js > new';
const base = baseline([OLD]);
const input = (over: Partial<RedInput>): RedInput => ({
  baseline: base,
  report: report([OLD, t(NEW, 'failed', ['assertion', 'expected 3, got 4'])]),
  reportSha: 'sha',
  patchedFiles: ['test/a.test.js'],
  assertions: { [NEW]: 1 },
  ...over,
});

// One row per verdict the RED gate can give: [what, input, reason, message pattern].
const rows: Array<[string, RedInput, RedVerdict['reason'], RegExp]> = [
  ['a new test failing by assertion', input({}), 'red', /^RED: test\/a.test.js > new fails by assertion/],
  [
    'a new test that passes',
    input({ report: report([OLD, t(NEW, 'passed')]) }),
    'passes',
    /does not constrain behavior: test\/a.test.js > new passes/,
  ],
  [
    'a new test failing by a TypeError in the test',
    input({ report: report([OLD, t(NEW, 'failed', ['test_error', 'x is not a function'])]) }),
    'wrong_reason',
    /wrong reason: test\/a.test.js > new: test_error/,
  ],
  [
    'a patched file that fails to load',
    input({
      report: report([OLD], [{ file: 'test/a.test.js', class: 'syntax', message: 'Unexpected token' }]),
    }),
    'wrong_reason',
    /test\/a.test.js: syntax: Unexpected token/,
  ],
  ['no new test in the patch', input({ report: report([OLD]) }), 'no_new_tests', /no new test was collected/],
  [
    'a run that collected no tests at all',
    input({ report: report([], [], { problem: NO_TESTS }) }),
    'no_new_tests',
    /no new test was collected from test\/a.test.js: vitest collected no tests \(0 tests collected\).*\n.*No test files found/,
  ],
  [
    'a report without its end record',
    input({ report: report([OLD, t(NEW, 'failed', ['assertion', 'x'])], [], { problem: BAD_REPORT }) }),
    'run_failed',
    /^the test run proves nothing: vitest's test report is unusable .*`node vitest-launch.mjs test\/a.test.js`.*\n.*worker exited/,
  ],
  [
    'a new test with no assertion',
    input({ assertions: { [NEW]: 0 } }),
    'no_assertions',
    /holds no assertion: test\/a.test.js > new/,
  ],
  [
    'a patch that breaks an existing test',
    input({
      report: report([t(OLD.id, 'failed', ['assertion', 'x']), t(NEW, 'failed', ['assertion', 'y'])]),
    }),
    'broke_existing',
    /changes the status of existing tests: test\/a.test.js > old/,
  ],
  [
    'a run that timed out',
    input({ report: report([OLD], [], { timedOut: true }) }),
    'wrong_reason',
    /the test run timed out/,
  ],
];

describe('evaluateRed, one row per verdict', () => {
  it.each(rows)('%s', (_what, given, reason, message) => {
    const verdict = evaluateRed(given);
    expect(verdict.reason).toBe(reason);
    expect(verdict.ok).toBe(reason === 'red');
    expect(verdict.message).toMatch(message);
  });
});

describe('the environment’s errors are not the model’s', () => {
  it('holds aside a run-level error the baseline already had (ava cannot write its cache), in another worktree too', () => {
    const verdict = evaluateRed(
      input({
        baseline: baseline([OLD], [cacheError('/tmp/wt-1')]),
        report: report(
          [OLD, t(NEW, 'failed', ['assertion', 'expected 3, got 4'])],
          [cacheError('/tmp/agentctl-ci-red-77f2')],
        ),
      }),
    );
    expect(verdict).toMatchObject({ ok: true, reason: 'red', newTestIds: [NEW] });
  });

  it('still charges a run-level error the baseline did not have', () => {
    const verdict = evaluateRed(
      input({
        baseline: baseline([OLD], [cacheError('/tmp/wt-1')]),
        report: report(
          [OLD, t(NEW, 'failed', ['assertion', 'x'])],
          [{ file: '', class: 'crash', message: 'worker crashed: heap out of memory' }],
        ),
      }),
    );
    expect(verdict).toMatchObject({ ok: false, reason: 'wrong_reason' });
    expect(verdict.message).toMatch(/heap out of memory/);
  });

  it('never excuses a report problem, even one the baseline had the same words for', () => {
    const same = { file: '', class: 'unknown' as const, message: BAD_REPORT.message };
    const verdict = evaluateRed(
      input({
        baseline: baseline([OLD], [same]),
        report: report([OLD, t(NEW, 'failed', ['assertion', 'x'])], [], { problem: BAD_REPORT }),
      }),
    );
    expect(verdict.reason).toBe('run_failed');
  });

  it('does not count a test failing before the run as broken by the patch', () => {
    const failing = t('test/a.test.js > flaky', 'failed', ['assertion', 'colour']);
    const verdict = evaluateRed(
      input({
        baseline: baseline([OLD, failing]),
        report: report([OLD, failing, t(NEW, 'failed', ['assertion', 'x'])]),
      }),
    );
    expect(verdict.reason).toBe('red');
  });
});
