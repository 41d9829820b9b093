import { describe, expect, it } from 'vitest';
import { agentctl, resultLine } from '../helpers/cli.js';
import { fixArgs, PIN, resumeAndCheck } from '../helpers/crash-run.js';
import { fixtureRepo } from '../helpers/fixture-repo.js';

/**
 * A real `agentctl fix` child is SIGKILLed (by a named failpoint, or by the test at a random moment), then
 * resumed. Pinned run id and clock make an uninterrupted run's commit the yardstick: the same SHA, one commit,
 * a valid audit, attempts within the cap.
 */
describe('crash and resume', () => {
  let reference = '';

  it('an uninterrupted run gives the reference commit', async () => {
    const repo = await fixtureRepo('calc-node');
    const r = await agentctl(fixArgs(), repo, PIN);
    expect(r.exitCode, r.stderr).toBe(0);
    reference = String(resultLine(r.stdout).commit);
    expect(reference).toMatch(/^[0-9a-f]{40}$/);
    // A second uninterrupted run elsewhere reproduces it: commits are deterministic.
    const again = await agentctl(fixArgs(), await fixtureRepo('calc-node'), PIN);
    expect(resultLine(again.stdout).commit).toBe(reference);
  });

  // Each named failpoint at least once, at positions across the run (the Nth time it is reached).
  const points = [
    'intent:before@4',
    'intent:after@8',
    'apply:mid@2',
    'effect:after@5',
    'result:after@9',
    'approval:waiting@1',
    'effect:after@11',
    'commit:before_ref@1',
  ];
  it.each(points)('SIGKILL at %s, then resume: same commit, one commit, audit passes', async (point) => {
    const repo = await fixtureRepo('calc-node');
    const killed = await agentctl(fixArgs(), repo, { ...PIN, AGENTCTL_FAILPOINT: point });
    expect(killed.signal, killed.stdout.slice(-500)).toBe('SIGKILL');
    const { commit, attempts } = await resumeAndCheck(repo);
    expect(commit).toBe(reference);
    expect(attempts).toBeLessThanOrEqual(3);
  });

  it('killed twice inside the same model call: responses bought before either crash are replayed once, in order', async () => {
    const repo = await fixtureRepo('calc-node');
    // The orientation call gets three model turns; die after the second, then again while replaying it.
    const first = await agentctl(fixArgs(), repo, { ...PIN, AGENTCTL_FAILPOINT: 'model:after_response@2' });
    expect(first.signal).toBe('SIGKILL');
    const second = await agentctl(['resume', PIN.AGENTCTL_RUN_ID, '--yes', '--json'], repo, {
      AGENTCTL_FAILPOINT: 'model:after_response@2',
    });
    expect(second.signal).toBe('SIGKILL');
    const { commit } = await resumeAndCheck(repo);
    expect(commit).toBe(reference);
  });
});
