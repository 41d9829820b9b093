import { expect } from 'vitest';
import { agentctl, resultLine } from './cli.js';
import { cassettePath, gitOut } from './fixture-repo.js';

/** Pinned run id and clock: an uninterrupted run's commit is the yardstick for every crashed one. */
export const PIN = { AGENTCTL_RUN_ID: 'crash-run', AGENTCTL_CLOCK: '2026-03-01T12:00:00Z' };
export const fixArgs = () => [
  'fix',
  'average of [] is 0',
  '--yes',
  '--json',
  '--model',
  `scripted:${cassettePath('calc-node', 'happy-path')}`,
];

export async function resumeAndCheck(repo: string): Promise<{ commit: string; attempts: number }> {
  const resumed = await agentctl(['resume', PIN.AGENTCTL_RUN_ID, '--yes', '--json'], repo);
  expect(resumed.exitCode, resumed.stdout.slice(-2000) + resumed.stderr).toBe(0);
  const result = resultLine(resumed.stdout);
  expect(result.phase).toBe('DONE');
  const branch = String(result.branch);
  // Exactly one commit on the run branch, carrying one op key.
  const log = await gitOut(repo, [
    'log',
    '--format=%H %(trailers:key=Agentctl-Op,valueonly,separator=)',
    `HEAD..${branch}`,
  ]);
  expect(log.split('\n')).toHaveLength(1);
  const audit = await agentctl(['audit', 'verify', PIN.AGENTCTL_RUN_ID], repo);
  expect(audit.exitCode, audit.stdout).toBe(0);
  return { commit: String(result.commit), attempts: Number(result.attempts) };
}
