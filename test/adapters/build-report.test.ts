import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../gates/adapters/index.js';
import type { RawRun } from '../../gates/adapters/types.js';

const ctx = { cwd: '/repo', isTestFile: (rel: string) => rel.startsWith('test/') };
const raw = (over: Partial<RawRun>): RawRun => ({
  exitCode: 0,
  stdout: '',
  stderr: '',
  timedOut: false,
  durationMs: 5,
  ...over,
});
const passing = JSON.stringify({ kind: 'test', file: '/repo/test/a.test.js', path: ['a'], state: 'passed' });

describe('a report never looks cleaner than the run', () => {
  it('turns a failed exit with no failing test into a collection error', () => {
    const report = adapterFor('node').parse(
      raw({ exitCode: 1, reportText: passing, stderr: 'TypeError: boom' }),
      ctx,
    );
    expect(report.tests).toHaveLength(1);
    expect(report.collectionErrors).toEqual([
      expect.objectContaining({
        file: '',
        class: 'unknown',
        message: 'node exited with code 1 but reported no failing test: boom',
      }),
    ]);
  });

  it('records a run killed for time as a timeout, and keeps the records written before', () => {
    const cut = `${passing}\n{"kind":"test","file":"/repo/te`;
    const report = adapterFor('vitest').parse(raw({ exitCode: null, timedOut: true, reportText: cut }), ctx);
    expect(report.tests.map((t) => t.id)).toEqual(['test/a.test.js > a']);
    expect(report).toMatchObject({ timedOut: true, collectionErrors: [{ class: 'timeout' }] });
  });

  it('reports a clean run as clean', () => {
    const report = adapterFor('mocha').parse(raw({ reportText: passing }), ctx);
    expect(report).toMatchObject({ exitCode: 0, interrupted: false, collectionErrors: [] });
  });

  it('refuses a junit plan without a command and a report path', () => {
    expect(() => adapterFor('junit').plan({ files: [], reportFile: '/tmp/r' })).toThrow(/test.command/);
  });
});
