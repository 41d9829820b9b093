/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avaAdapter } from '../../gates/adapters/ava.js';
import { evaluateRed } from '../../gates/red-gate.js';
import type { TestReport } from '../../src/core/report.js';
import { packageFile } from '../../src/paths.js';
import { summarizeBaseline } from '../../src/runtime/reports.js';
import { isTestFile } from '../adapters/runner-project.js';

const CALC = 'export const add = (a, b) => a - b;\n';
const OLD_TEST =
  "import test from 'ava';\nimport { add } from '../src/calc.js';\ntest('adds zero', (t) => { t.is(add(1, 0), 1); });\n";
const NEW_TEST =
  "import test from 'ava';\nimport { add } from '../src/calc.js';\ntest('adds', (t) => { t.is(add(1, 2), 3); });\ntest('adds negatives', (t) => { t.is(add(-1, -2), -3); });\n";

let dir: string;

/** Runs ava in the project the way run-tests does, and reads its report. */
async function run(files: string[]): Promise<TestReport> {
  const spec = avaAdapter.plan({ files, reportFile: join(dir, 'unused') });
  const [cmd, ...args] = spec.argv;
  const started = Date.now();
  const r = await execa(cmd!, args, {
    cwd: dir,
    ...(spec.env !== undefined && { env: spec.env }),
    reject: false,
    timeout: 60_000,
  });
  return avaAdapter.parse(
    {
      argv: spec.argv,
      exitCode: r.exitCode ?? null,
      stdout: String(r.stdout),
      stderr: String(r.stderr),
      timedOut: r.timedOut,
      durationMs: Date.now() - started,
    },
    { cwd: dir, isTestFile, files },
  );
}

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'agentctl-ava-env-')));
  // node_modules as a link farm over agentctl's, where ava cannot create its cache dir: every run of this
  // environment ends with the same run-level error, as under a read-only node_modules.
  const modules = packageFile('node_modules');
  await mkdir(join(dir, 'node_modules'));
  for (const entry of await readdir(modules))
    if (entry !== '.cache') await symlink(join(modules, entry), join(dir, 'node_modules', entry));
  await writeFile(join(dir, 'node_modules', '.cache'), 'not a directory\n');
  await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  await mkdir(join(dir, 'src'));
  await mkdir(join(dir, 'test'));
  await writeFile(join(dir, 'src', 'calc.js'), CALC);
  await writeFile(join(dir, 'test', 'zero.test.js'), OLD_TEST);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ava: a run-level error present at the baseline is not the model’s', () => {
  it('accepts a valid new failing test as RED, and records the error at the baseline', async () => {
    const base = await run(['test/zero.test.js']);
    expect(base.collectionErrors).toEqual([
      expect.objectContaining({ file: '', message: expect.stringMatching(/ENOTDIR/) }),
    ]);
    const baseline = summarizeBaseline(base, 'base');
    expect(baseline.errors).toHaveLength(1);

    await writeFile(join(dir, 'test', 'add.test.js'), NEW_TEST);
    const red = await run(['test/add.test.js']);
    expect(red.collectionErrors.map((e) => e.message).join('\n')).toMatch(/ENOTDIR/);
    const verdict = evaluateRed({
      baseline,
      report: red,
      reportSha: 'red',
      patchedFiles: ['test/add.test.js'],
      assertions: { 'test/add.test.js > adds': 1, 'test/add.test.js > adds negatives': 1 },
    });
    expect(verdict, verdict.message).toMatchObject({ ok: true, reason: 'red' });
    expect(verdict.failures.map((f) => f.class)).toEqual(['assertion', 'assertion']);
  });
});
