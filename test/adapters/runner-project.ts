import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { execa } from 'execa';
import type { TestCase, TestReport } from '../../src/core/report.js';
import { packageRoot } from '../../src/paths.js';
import type { AdapterContext, RawRun, TestAdapter } from '../../gates/adapters/types.js';

/** A throwaway project whose runners resolve from agentctl's own node_modules. */
export interface RunnerProject {
  dir: string;
  run(
    files: string[],
    opts?: { command?: string[]; junitReport?: string },
  ): Promise<{ report: TestReport; raw: RawRun }>;
  remove(): Promise<void>;
}

/** Test files live under test/ or are named *.test.*; everything else is production code. */
export function isTestFile(rel: string): boolean {
  return /(^|\/)tests?\//.test(rel) || /\.test\.[cm]?[jt]s$/.test(rel);
}

/** Writes `files` into a fresh temp dir (realpath, as runners report it) with node_modules linked in. */
export async function runnerProject(
  adapter: TestAdapter,
  files: Record<string, string>,
): Promise<RunnerProject> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), `agentctl-${adapter.runner}-`)));
  const scratch = await mkdtemp(join(tmpdir(), 'agentctl-report-'));
  await symlink(join(packageRoot(), 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  let runs = 0;
  return {
    dir,
    async run(testFiles, opts = {}) {
      const reportFile = join(scratch, `report-${++runs}.out`);
      const spec = adapter.plan({ files: testFiles, reportFile, ...opts });
      const [cmd, ...args] = spec.argv;
      const started = Date.now();
      const result = await execa(cmd ?? 'false', args, {
        cwd: dir,
        env: { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...spec.env },
        reject: false,
        timeout: 60_000,
      });
      const reportPath =
        spec.reportFile === undefined
          ? reportFile
          : isAbsolute(spec.reportFile)
            ? spec.reportFile
            : join(dir, spec.reportFile);
      const reportText = await readFile(reportPath, 'utf8').catch(() => undefined);
      const raw: RawRun = {
        argv: spec.argv,
        exitCode: result.exitCode ?? null,
        stdout: String(result.stdout),
        stderr: String(result.stderr),
        timedOut: result.timedOut,
        durationMs: Date.now() - started,
        ...(reportText !== undefined ? { reportText } : {}),
      };
      const ctx: AdapterContext = { cwd: dir, isTestFile, files: testFiles };
      return { report: adapter.parse(raw, ctx), raw };
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** The test with this id, failing the calling test with the ids that do exist when it is missing. */
export function testById(report: TestReport, id: string): TestCase {
  const test = report.tests.find((t) => t.id === id);
  if (test === undefined) throw new Error(`no test ${id}; have: ${report.tests.map((t) => t.id).join(', ')}`);
  return test;
}

/** Production code every runner's tests call: a passing function, a crash, a not-implemented stub. */
export const CALC_ESM = `export function add(a, b) { return a + b; }
export function boom() { throw new RangeError('production exploded'); }
export function later() { throw new Error('not implemented'); }
`;
export const CALC_CJS = `exports.add = (a, b) => a + b;
exports.boom = function boom() { throw new RangeError('production exploded'); };
exports.later = function later() { throw new Error('not implemented'); };
`;
/** A promise that outlives any per-test timeout used in these fixtures (100 ms). */
export const SLOW = 'new Promise((resolve) => setTimeout(resolve, 1000))';
