import { describe, expect, it } from 'vitest';
import type { RunState } from '../../src/core/state.js';
import { Config } from '../../src/policy/config-schema.js';
import type { RunContext } from '../../src/runtime/context.js';
import { renderEvidence } from '../../src/runtime/evidence-bundle.js';
import { baseline, cacheError, t } from './gate-fixtures.js';

const ctx = {
  runId: '20261202-120000-abcdef',
  task: 'fix add',
  config: Config.parse({ test: { runner: 'node' } }),
} as RunContext;

describe('evidence.md', () => {
  it('lists the errors the baseline had outside tests, as the environment’s', () => {
    const state = {
      phase: 'AUTHOR_TEST',
      attempts: 0,
      maxAttempts: 3,
      baseline: baseline([t('test/a.test.js > a', 'passed')], [cacheError('/w')]),
      history: [],
    } as unknown as RunState;
    expect(renderEvidence(state, ctx)).toContain(
      "Errors outside tests before the run (the environment's, held aside by the gates):\n\n- (run): unknown: EACCES: permission denied, mkdir '/w/node_modules/.cache/ava'\n",
    );
  });

  it('quotes a runner’s output under a failed attempt as a text block', () => {
    const state = {
      phase: 'AUTHOR_TEST',
      attempts: 1,
      maxAttempts: 3,
      baseline: null,
      history: [
        {
          n: 1,
          phase: 'VERIFY_RED',
          kind: 'red_failed',
          reason:
            'the test run proves nothing: mocha wrote no test report; its output ends with:\nError: boom',
        },
      ],
    } as unknown as RunState;
    expect(renderEvidence(state, ctx)).toContain(
      '## Attempt 1: red_failed in VERIFY_RED\n\nthe test run proves nothing: mocha wrote no test report; its output ends with:\n\n```text\nError: boom\n```\n',
    );
  });

  it('shows the switch, and each changed expectation old → new as a diff', () => {
    const change = {
      id: 'test/a.test.js > adds',
      old: ['assert.equal(add(1, 1), 3);'],
      new: ['assert.equal(add(1, 1), 2);'],
    };
    const state = {
      phase: 'LOCK',
      attempts: 0,
      maxAttempts: 3,
      baseline: null,
      history: [],
      red: {
        ok: true,
        reason: 'red',
        message: 'RED: …',
        newTestIds: [change.id],
        failures: [],
        reportSha: 'r1',
        changedExpectations: [change],
      },
    } as unknown as RunState;
    const forbidden = {
      ...ctx,
      config: Config.parse({ test: { runner: 'node' }, tests: { allowChangedExpectations: false } }),
    };
    expect(renderEvidence(state, ctx)).toContain(
      'Changed expectations: allowed (tests.allowChangedExpectations)',
    );
    expect(renderEvidence(state, forbidden)).toContain(
      'Changed expectations: forbidden (tests.allowChangedExpectations)',
    );
    expect(renderEvidence(state, ctx)).toContain(
      '## Changed expectations\n\n### test/a.test.js > adds\n\n```diff\n- assert.equal(add(1, 1), 3);\n+ assert.equal(add(1, 1), 2);\n```\n',
    );
  });
});
