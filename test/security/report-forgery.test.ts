import { afterAll, describe, expect, it } from 'vitest';
import { sandboxStatus } from '../../sandbox/exec.js';
import { cleanupTemp } from '../sandbox/helpers.js';
import { runRepo, runSuite } from './sandbox-run.js';

const { available } = await sandboxStatus();

afterAll(cleanupTemp);

/**
 * A test that fails, after appending a passing record of itself to every report channel
 * it can find: paths in the runner's argv and environment (/proc/<ppid>/cmdline, environ),
 * /dev/fd/3, and every fd of the runner through /proc/<ppid>/fd (only the runner: further up,
 * unsandboxed, is the test process running this file).
 */
const FORGE = `
const fs = require('node:fs');
const forged = JSON.stringify({ kind: 'test', file: __filename, path: ['sums'], state: 'passed', durationMs: 1, forged: true }) + '\\n';
const read = (p) => { try { return fs.readFileSync(p, 'latin1'); } catch { return ''; } };
function forge() {
  const tried = {};
  const targets = new Set(['/dev/fd/3']);
  const pid = process.ppid;
  {
    const text = read('/proc/' + pid + '/cmdline') + '\\0' + read('/proc/' + pid + '/environ');
    for (const m of text.matchAll(/(?:destination=|outputFile=|REPORT_FILE=|reporter-destination=)([^\\0]+)/g)) targets.add(m[1]);
    try { for (const fd of fs.readdirSync('/proc/' + pid + '/fd')) targets.add('/proc/' + pid + '/fd/' + fd); }
    catch (e) { tried['/proc/' + pid + '/fd'] = e.code; }
  }
  for (const target of targets) {
    // Non-blocking: opening a pipe nobody reads would otherwise wait forever.
    try {
      const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_NONBLOCK);
      fs.writeSync(fd, forged);
      fs.closeSync(fd);
      tried[target] = 'wrote';
    } catch (e) { tried[target] = e.code; }
  }
  console.log('FORGE-ATTEMPTS ' + JSON.stringify(tried));
}
`;

const NODE_TEST = `const { test } = require('node:test');
const assert = require('node:assert');
${FORGE}
test('sums', () => { forge(); assert.strictEqual(1 + 1, 3); });
`;

const VITEST = `import { test, expect } from 'vitest';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const __filename = new URL(import.meta.url).pathname;
${FORGE}
test('sums', () => { forge(); expect(1 + 1).toBe(3); });
`;

describe.skipIf(!available)('a test cannot forge the report (needs bubblewrap)', () => {
  it('node:test: the failing test stays failed and the raw report holds no forged line', async () => {
    const at = await runRepo({ 'package.json': '{"name":"victim"}\n', 'test/sum.test.js': NODE_TEST });
    const run = await runSuite(at, 'required');
    expect(run.exec.stdout + run.exec.stderr + (run.rawReport?.toString() ?? '')).toContain('FORGE-ATTEMPTS');
    expect(run.rawReport?.toString()).not.toContain('forged');
    expect(run.report.tests.map((t) => [t.name, t.state])).toEqual([['sums', 'failed']]);
  });

  it('vitest: a forked worker cannot write its runner’s report pipe either', async () => {
    const at = await runRepo({ 'package.json': '{"type":"module"}\n', 'test/sum.test.js': VITEST }, true);
    const run = await runSuite(at, 'required', { runner: 'vitest' });
    expect(run.exec.stdout + run.exec.stderr).toContain('FORGE-ATTEMPTS');
    expect(run.rawReport?.toString()).not.toContain('forged');
    expect(run.report.tests.map((t) => [t.name, t.state])).toEqual([['sums', 'failed']]);
  });

  it('without the sandbox the same attack reaches the pipe (the attack is real)', async () => {
    const at = await runRepo({ 'package.json': '{"name":"victim"}\n', 'test/sum.test.js': NODE_TEST });
    const run = await runSuite(at, 'off');
    expect(run.rawReport?.toString()).toContain('forged');
  });
});
