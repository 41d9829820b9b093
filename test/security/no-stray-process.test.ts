import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sandboxStatus, type SandboxMode } from '../../sandbox/exec.js';
import { cleanupTemp } from '../sandbox/helpers.js';
import { runRepo, runSuite } from './sandbox-run.js';

const { available } = await sandboxStatus();
const savedBwrap = process.env.AGENTCTL_BWRAP;

afterEach(() => {
  if (savedBwrap === undefined) delete process.env.AGENTCTL_BWRAP;
  else process.env.AGENTCTL_BWRAP = savedBwrap;
});
afterAll(cleanupTemp);

/** Host processes whose command line holds `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * A passing test that leaves a daemon: `setsid -f` puts it in a new session and its
 * parent exits at once, so it belongs to neither the run's process group nor its tree.
 */
function daemonTest(marker: string): string {
  return `const { test } = require('node:test');
const { spawnSync } = require('node:child_process');
test('leaves a daemon', () => {
  spawnSync('setsid', ['-f', process.execPath, '-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(marker)}], { stdio: 'ignore' });
});
`;
}

async function leavesNothing(mode: SandboxMode): Promise<void> {
  const marker = `agentctl-daemon-${randomBytes(6).toString('hex')}`;
  const at = await runRepo({
    'package.json': '{"name":"victim"}\n',
    'test/daemon.test.js': daemonTest(marker),
  });
  const run = await runSuite(at, mode);
  expect(run.report.tests.map((t) => t.state)).toEqual(['passed']);
  expect(processesWith(marker)).toEqual([]);
}

describe('no process outlives its run', () => {
  it('auto mode without bubblewrap: a setsid daemon started by a test is gone when the run returns', async () => {
    process.env.AGENTCTL_BWRAP = '/nonexistent/bwrap';
    await leavesNothing('auto');
  });

  it('mode off: the same', async () => {
    await leavesNothing('off');
  });

  it.skipIf(!available)('sandboxed (needs bubblewrap): the same', async () => {
    await leavesNothing('required');
  });
});
