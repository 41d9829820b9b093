import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { isRunId, RUN_ID_MAX } from '../../src/journal/run-id.js';
import { runDir } from '../../src/journal/run-store.js';
import { pinnedRunId } from '../../src/runtime/run-setup.js';
import { runIdentity } from '../../src/runtime/session.js';

describe('one run-id rule for the store, the session and every entry point', () => {
  const longest = `a${'b'.repeat(RUN_ID_MAX - 1)}`;
  const tooLong = `${longest}c`;

  it.each([
    ['20261125-142233-a1b2c3', true],
    ['gh-1001-7', true],
    [longest, true],
    [tooLong, false],
    ['a.b', false],
    ['-leading-dash', false],
    ['../up', false],
    ['', false],
  ])('%s → %s', (id, ok) => {
    expect(isRunId(id)).toBe(ok);
    // The store, the session's pinned id and the CLI's check agree with it.
    if (ok) {
      expect(() => runDir('/repo', id)).not.toThrow();
      expect(runIdentity({ AGENTCTL_RUN_ID: id }).runId).toBe(id);
      expect(pinnedRunId({ AGENTCTL_RUN_ID: id })).toBe(id);
    } else {
      expect(() => runDir('/repo', id)).toThrow();
      expect(runIdentity({ AGENTCTL_RUN_ID: id }).runId).toBeUndefined();
      if (id !== '') expect(() => pinnedRunId({ AGENTCTL_RUN_ID: id })).toThrow(UsageError);
    }
  });
});
