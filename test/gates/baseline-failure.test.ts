import { describe, expect, it } from 'vitest';
import { errorSignature } from '../../gates/baseline-errors.js';
import { baselineFailure, describeReport, summarizeBaseline } from '../../src/runtime/reports.js';
import { NO_TESTS, cacheError, report, t } from './gate-fixtures.js';

describe('no baseline without tests', () => {
  it('refuses a run that proves nothing, quoting the runner', () => {
    expect(baselineFailure(report([], [], { problem: NO_TESTS }))).toBe(
      `${NO_TESTS.message}; its output ends with:\nNo test files found, exiting with code 1`,
    );
  });

  it('refuses a run whose every test file failed to load, naming the first error', () => {
    const r = {
      ...report(
        [],
        [{ file: 'test/a.test.js', class: 'import' as const, message: "Cannot find module 'x'" }],
      ),
      command: 'node --test',
      outputTail: 'Error: Cannot find module x',
    };
    expect(baselineFailure(r)).toBe(
      "vitest collected no tests (0 tests collected): `node --test` exited with code 1; test/a.test.js: Cannot find module 'x'; its output ends with:\nError: Cannot find module x",
    );
  });

  it('accepts a run with tests, recording the errors it had outside them', () => {
    const r = report([t('test/a.test.js > a', 'passed')], [cacheError('/w')]);
    expect(baselineFailure(r)).toBeUndefined();
    expect(summarizeBaseline(r, 'sha').errors).toEqual([cacheError('/w')]);
  });

  it('shows the runner output under the one-line summary on screen', () => {
    expect(describeReport(report([], [], { problem: NO_TESTS }))).toBe(
      `0 passed, 0 failed\n    ${NO_TESTS.message}; its output ends with:\n    No test files found, exiting with code 1`,
    );
  });
});

describe('errorSignature', () => {
  it('is the same for one error in two worktrees, and differs for another error', () => {
    expect(errorSignature(cacheError('/tmp/a'))).toBe(
      errorSignature(cacheError('/root/.cache/agentctl/wt-9')),
    );
    expect(errorSignature(cacheError('/tmp/a'))).not.toBe(
      errorSignature({ file: '', class: 'unknown', message: 'EACCES: permission denied, open /tmp/a/out' }),
    );
  });
});
