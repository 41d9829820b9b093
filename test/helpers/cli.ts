import { execa } from 'execa';
import { packageFile } from '../../src/paths.js';

export const BIN = packageFile('bin', 'agentctl.js');

/** Runs the built binary as a user would, without a terminal. */
export function agentctl(args: string[], cwd: string, env: Record<string, string> = {}) {
  return execa('node', [BIN, ...args], {
    cwd,
    reject: false,
    env: { NO_COLOR: '1', ...env },
    stdin: 'ignore',
  });
}

/** The `{"type":"result"}` line a `--json` run ends with. */
export function resultLine(stdout: string): Record<string, unknown> {
  const last = stdout.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as Record<string, unknown>;
}
