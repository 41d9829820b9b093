import { afterAll, describe, expect, it } from 'vitest';
import { execCommand, REPORT_PATH, sandboxStatus, type SandboxMode } from '../../sandbox/exec.js';
import { cleanupTemp, makeRepo } from './helpers.js';

const { available } = await sandboxStatus();
const node = process.execPath;

afterAll(cleanupTemp);

const modes: SandboxMode[] = available ? ['required', 'off'] : ['off'];

describe.each(modes)('the report pipe (mode %s)', (mode) => {
  it('delivers exactly the bytes the command wrote to /dev/fd/3, across several opens', async () => {
    const cwd = await makeRepo({ 'README.md': 'x\n' });
    const script =
      `const fs = require('fs');` +
      `fs.writeFileSync(${JSON.stringify(REPORT_PATH)}, Buffer.from([0xff, 0x00, 0x41]));` +
      `fs.appendFileSync(${JSON.stringify(REPORT_PATH)}, 'line\\n');`;
    const result = await execCommand({
      argv: [node, '-e', script],
      cwd,
      timeoutMs: 20_000,
      maxOutputBytes: 4096,
      mode,
      reportPipe: true,
    });
    expect(result.exitCode).toBe(0);
    expect(result.report).toEqual(Buffer.concat([Buffer.from([0xff, 0x00, 0x41]), Buffer.from('line\n')]));
  });

  it('returns once the command exits even when a background job still holds the pipe', async () => {
    const cwd = await makeRepo({ 'README.md': 'x\n' });
    const started = Date.now();
    const result = await execCommand({
      argv: ['sh', '-c', 'sleep 30 & echo partial >&3'],
      cwd,
      timeoutMs: 20_000,
      maxOutputBytes: 4096,
      mode,
      reportPipe: true,
    });
    expect(result.report?.toString()).toBe('partial\n');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('gives no fd 3 to a command that asked for no report', async () => {
    const cwd = await makeRepo({ 'README.md': 'x\n' });
    const result = await execCommand({
      argv: ['sh', '-c', 'echo x >&3 && echo open || echo closed'],
      cwd,
      timeoutMs: 20_000,
      maxOutputBytes: 4096,
      mode,
    });
    expect(result.stdout).toBe('closed\n');
    expect(result.report).toBeUndefined();
  });
});
