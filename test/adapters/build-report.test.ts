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
const record = (name: string, state = 'passed') =>
  JSON.stringify({ kind: 'test', file: '/repo/test/a.test.js', path: [name], state });
const end = (tests: number) => JSON.stringify({ kind: 'end', tests });
const passing = `${record('a')}\n${end(1)}\n`;
const argv = ['npx', '--no', '--', 'mocha', '--reporter', '/x/mocha-reporter.cjs'];

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
    const cut = `${record('a')}\n{"kind":"test","file":"/repo/te`;
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

describe('no green without a usable report', () => {
  const problemOf = (over: Partial<RawRun>, runner: 'mocha' | 'jest' | 'vitest' | 'node' = 'mocha') =>
    adapterFor(runner).parse(raw({ argv, ...over }), ctx);

  it('names the runner, the command and the tail of its output when no report was written', () => {
    const report = problemOf({ exitCode: 1, stderr: 'line 1\nError: config exploded\n' });
    expect(report.problem).toEqual({
      kind: 'no_report',
      message: `mocha wrote no test report: \`${argv.join(' ')}\` exited with code 1`,
      outputTail: 'line 1\nError: config exploded',
    });
    expect(report.collectionErrors).toEqual([
      { file: '', class: 'unknown', message: report.problem?.message },
    ]);
  });

  it('never passes a run that collected no tests, even when it exits 0', () => {
    const report = problemOf({ exitCode: 0, reportText: `${end(0)}\n` });
    expect(report.problem?.kind).toBe('no_tests');
    expect(report.problem?.message).toMatch(/^mocha collected no tests \(0 tests collected\)/);
    expect(report.collectionErrors).toHaveLength(1);
  });

  it('refuses a report without its end record, with records after it, or with a wrong count', () => {
    const cases = {
      'has no end record': `${record('a')}\n`,
      'follows the end record': `${record('a', 'failed')}\n${end(1)}\n${record('a')}\n`,
      'counts 2 tests': `${record('a')}\n${end(2)}\n`,
      'is not JSON': `${record('a')}\n{oops\n${end(1)}\n`,
    };
    for (const [why, reportText] of Object.entries(cases)) {
      const report = problemOf({ exitCode: 0, reportText }, 'node');
      expect(report.problem?.kind, why).toBe('bad_report');
      expect(report.problem?.message, why).toContain(why);
      expect(report.collectionErrors.length, why).toBeGreaterThan(0);
    }
  });

  it('reads an unparsable jest report as unusable, a missing one as missing', () => {
    expect(problemOf({ exitCode: 1, reportText: '{"testResults": [' }, 'jest').problem?.kind).toBe(
      'bad_report',
    );
    expect(problemOf({ exitCode: 1 }, 'jest').problem?.kind).toBe('no_report');
  });

  it('says a runner npx would have to download is not installed', () => {
    const stderr = 'npm error npx canceled due to missing packages and no YES option: ["mocha@11.8.0"]\n';
    const report = problemOf({ exitCode: 1, stderr });
    expect(report.problem).toMatchObject({ kind: 'runner_missing' });
    expect(report.problem?.message).toMatch(/^mocha is not installed here: run npm install/);
    const ours = problemOf(
      { exitCode: 127, stderr: 'agentctl: jest is not installed here: run npm install\n' },
      'jest',
    );
    expect(ours.problem?.message).toMatch(/^jest is not installed here: run npm install/);
  });

  it('keeps two tests that share a name in one file apart, in report order', () => {
    const text = [record('same'), record('other'), record('same', 'failed'), record('same'), end(4)].join(
      '\n',
    );
    const report = problemOf({ exitCode: 1, reportText: text }, 'vitest');
    expect(report.tests.map((t) => [t.id, t.state])).toEqual([
      ['test/a.test.js > same', 'passed'],
      ['test/a.test.js > other', 'passed'],
      ['test/a.test.js > same #2', 'failed'],
      ['test/a.test.js > same #3', 'passed'],
    ]);
    expect(report.problem).toBeUndefined();
  });
});
