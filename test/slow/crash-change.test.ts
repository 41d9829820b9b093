import { describe, expect, it } from 'vitest';
import { agentctl, resultLine } from '../helpers/cli.js';
import { PIN, resumeAndCheck } from '../helpers/crash-run.js';
import { cassettePath, fixtureRepo, gitOut } from '../helpers/fixture-repo.js';

const changeArgs = () => [
  'fix',
  'call them arrays in the docs',
  '--yes',
  '--json',
  '--model',
  `scripted:${cassettePath('calc-node', 'non-behavioral-change')}`,
];

/**
 * The propose_change path killed at each of its durable boundaries, then resumed: the same commit as an
 * uninterrupted run, one commit, a valid audit, and the non-behavioral gate journaled once per judgement made.
 */
describe('crash and resume on the propose_change path', () => {
  let reference = '';

  it('an uninterrupted change run gives the reference commit', async () => {
    const r = await agentctl(changeArgs(), await fixtureRepo('calc-node'), PIN);
    expect(r.exitCode, r.stderr).toBe(0);
    reference = String(resultLine(r.stdout).commit);
    expect(reference).toMatch(/^[0-9a-f]{40}$/);
  });

  // apply_patch (intent 4), verify_change (intent 5), review and commit of the change.
  const points = [
    'apply:mid@1',
    'intent:after@5',
    'effect:after@5',
    'approval:waiting@1',
    'commit:before_ref@1',
  ];
  // Two agentctl processes per case, each running the suite: generous on a shared machine.
  it.each(points)(
    'SIGKILL at %s, then resume: same commit, no RED, audit passes',
    { timeout: 300_000 },
    async (point) => {
      const repo = await fixtureRepo('calc-node');
      const killed = await agentctl(changeArgs(), repo, { ...PIN, AGENTCTL_FAILPOINT: point });
      expect(killed.signal, killed.stdout.slice(-500)).toBe('SIGKILL');
      const { commit, attempts } = await resumeAndCheck(repo);
      expect(commit).toBe(reference);
      expect(attempts).toBe(0);
      const message = await gitOut(repo, ['log', '-1', '--format=%B', commit]);
      expect(message).toMatch(/^Agentctl-Red: not required \(non-behavioral change\)$/m);
    },
  );
});
