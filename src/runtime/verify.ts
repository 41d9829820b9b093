import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunEvent } from '../core/events.js';
import type { LockRecord, PatchRef } from '../core/evidence.js';
import type { TestReport } from '../core/report.js';
import { analyzeTestSource } from '../../gates/assertion-count.js';
import { evaluateGreen } from '../../gates/green-gate.js';
import { evaluateRed } from '../../gates/red-gate.js';
import { runTests } from '../../gates/run-tests.js';
import { fileInTree, listFiles, snapshotTree } from '../git/repo.js';
import { sha256Hex } from '../journal/hash.js';
import type { RunContext, RunDeps } from './context.js';
import { rerunWithStubs } from './red-stub.js';
import { describeReport, saveReport } from './reports.js';

/** Keeps the most recent report for `read_last_report` and the evidence bundle. */
export interface ReportMemory {
  last: TestReport | null;
}

export async function runAndRecord(
  ctx: RunContext,
  deps: RunDeps,
  files: readonly string[],
  purpose: string,
  memory: ReportMemory,
): Promise<{ report: TestReport; sha: string }> {
  deps.progress.note(`running ${files.length === 0 ? 'the full suite' : files.join(', ')} (${purpose})`);
  const run = await runTests({
    worktree: ctx.worktree,
    config: ctx.config,
    files,
    isTestFile: (p) => deps.classify(p) === 'test',
    readOnlyBinds: ctx.readOnlyBinds,
  });
  const sha = await saveReport(ctx.runDir, run.report);
  memory.last = run.report;
  await deps.journal.append({
    type: 'test_report',
    phase: purpose,
    payload: {
      purpose,
      argv: run.argv,
      reportSha: sha,
      summary: describeReport(run.report),
      exitCode: run.exec.exitCode,
      durationMs: Math.round(run.exec.durationMs),
      timedOut: run.exec.timedOut,
      sandboxed: run.exec.sandboxed,
      tests: run.report.tests.map((t) => ({ id: t.id, state: t.state, class: t.failure?.class })),
      collectionErrors: run.report.collectionErrors.map((e) => ({
        file: e.file,
        class: e.class,
        message: e.message.slice(0, 500),
      })),
    },
  });
  if (run.exec.warning !== undefined) deps.progress.note(run.exec.warning);
  deps.progress.note(`tests: ${describeReport(run.report)}`);
  return { report: run.report, sha };
}

/** Assertion counts per test id for the given test files, read from their source. */
async function assertionCounts(worktree: string, files: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const file of files) {
    const source = await readFile(join(worktree, file), 'utf8').catch(() => null);
    if (source === null) continue;
    for (const test of analyzeTestSource(source, file)) {
      // Tests sharing a name are numbered ` #2`, ` #3` in source order, as the adapters number them.
      const plain = `${file} > ${test.name}`;
      let n = 1;
      while ((n === 1 ? plain : `${plain} #${n}`) in counts) n++;
      counts[n === 1 ? plain : `${plain} #${n}`] = test.assertions;
    }
  }
  return counts;
}

/** RED: run only the patched test files on unchanged production code and judge the failure. */
export async function verifyRed(
  patch: PatchRef,
  baseline: Parameters<typeof evaluateRed>[0]['baseline'],
  ctx: RunContext,
  deps: RunDeps,
  memory: ReportMemory,
): Promise<RunEvent> {
  const files = patch.files.filter((f) => deps.classify(f) === 'test');
  const { report, sha } = await runAndRecord(ctx, deps, files, 'VERIFY_RED', memory);
  const assertions = await assertionCounts(ctx.worktree, files);
  let verdict = evaluateRed({ baseline, report, reportSha: sha, patchedFiles: files, assertions });
  let inputs: Record<string, unknown> = { reportSha: sha, patchedFiles: files, assertions };
  if (!verdict.ok && verdict.reason === 'wrong_reason') {
    // A test of a symbol the fix will add fails by import or TypeError: stub it and judge the test again.
    const stubbed = await rerunWithStubs(report, files, baseline, ctx, () =>
      runAndRecord(ctx, deps, files, 'VERIFY_RED:stubbed', memory),
    );
    if (stubbed !== null) {
      const names = stubbed.symbols.map((s) => `${s.module}#${s.name}`);
      deps.progress.note(`stubbed ${names.join(', ')} on unchanged production code and ran the tests again`);
      const stubInfo = { ids: stubbed.ids, names };
      verdict = evaluateRed({
        baseline,
        report: stubbed.report,
        reportSha: stubbed.sha,
        patchedFiles: files,
        assertions,
        stubbed: stubInfo,
      });
      inputs = { reportSha: stubbed.sha, patchedFiles: files, assertions, stubbed: stubInfo };
    }
  }
  // The inputs are journaled with the verdict so replay can recompute it with the code as it is now.
  await deps.journal.append({
    type: 'gate_verdict',
    phase: 'VERIFY_RED',
    payload: { gate: 'RED', verdict, inputs },
  });
  return { type: 'red_checked', verdict };
}

/** Files LOCK protects: every test file and test configuration file in the worktree. */
async function lockedFiles(ctx: RunContext, deps: RunDeps): Promise<string[]> {
  return (await listFiles(ctx.worktree)).filter((f) => deps.classify(f) !== 'production').sort();
}

async function packageScriptsHash(worktree: string): Promise<string> {
  const text = await readFile(join(worktree, 'package.json'), 'utf8').catch(() => null);
  if (text === null) return '';
  try {
    return sha256Hex(JSON.stringify((JSON.parse(text) as { scripts?: unknown }).scripts ?? null));
  } catch {
    return sha256Hex(text);
  }
}

async function hashFiles(ctx: RunContext, deps: RunDeps): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const file of await lockedFiles(ctx, deps)) {
    hashes[file] = sha256Hex(await readFile(join(ctx.worktree, file), 'utf8').catch(() => ''));
  }
  hashes['package.json#scripts'] = await packageScriptsHash(ctx.worktree);
  return hashes;
}

/** LOCK: freeze tests, test configuration and package scripts by hash; remember the tree each fix starts from. */
export async function lockTests(
  newTestIds: readonly string[],
  patch: PatchRef,
  ctx: RunContext,
  deps: RunDeps,
): Promise<RunEvent> {
  const hashes = await hashFiles(ctx, deps);
  const counts = await assertionCounts(
    ctx.worktree,
    patch.files.filter((f) => deps.classify(f) === 'test'),
  );
  const lock: LockRecord = {
    hashes,
    testIds: [...newTestIds],
    assertionCounts: Object.fromEntries(newTestIds.map((id) => [id, counts[id] ?? 0])),
    tree: await snapshotTree(ctx.worktree, ctx.depLinks),
  };
  await deps.journal.append({
    type: 'lock',
    phase: 'LOCK',
    payload: { files: Object.keys(hashes).length, tree: lock.tree },
  });
  return { type: 'tests_locked', lock };
}

/** Restores locked files a fix changed, added or removed; returns their paths. */
async function revertLocked(lock: LockRecord, ctx: RunContext, deps: RunDeps): Promise<string[]> {
  const now = await hashFiles(ctx, deps);
  const changed = new Set<string>();
  for (const [path, hash] of Object.entries(lock.hashes)) if (now[path] !== hash) changed.add(path);
  for (const path of Object.keys(now)) if (!(path in lock.hashes)) changed.add(path);
  const reverted: string[] = [];
  for (const key of [...changed].sort()) {
    const path = key === 'package.json#scripts' ? 'package.json' : key;
    const original = await fileInTree(ctx.worktree, lock.tree, path);
    const full = join(ctx.worktree, path);
    if (original === null) await rm(full, { force: true });
    else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, original);
    }
    reverted.push(path);
  }
  return [...new Set(reverted)];
}

/** GREEN: integrity of the lock, then the new tests, then the whole suite once. */
export async function verifyGreen(
  lock: LockRecord,
  newTestIds: readonly string[],
  baseline: Parameters<typeof evaluateGreen>[0]['baseline'],
  ctx: RunContext,
  deps: RunDeps,
  memory: ReportMemory,
): Promise<RunEvent> {
  const reverted = await revertLocked(lock, ctx, deps);
  const files = [...new Set(newTestIds.map((id) => id.split(' > ')[0]!))];
  const targeted = await runAndRecord(ctx, deps, files, 'VERIFY_GREEN:new', memory);
  const newPass = newTestIds.every((id) =>
    targeted.report.tests.some((t) => t.id === id && t.state === 'passed'),
  );
  const full =
    reverted.length === 0 && newPass ? await runAndRecord(ctx, deps, [], 'VERIFY_GREEN:full', memory) : null;
  const verdict = evaluateGreen({
    baseline,
    newTestIds,
    lockedChanged: reverted,
    targeted: targeted.report,
    full: full?.report ?? null,
    reportSha: full?.sha ?? targeted.sha,
  });
  await deps.journal.append({
    type: 'gate_verdict',
    phase: 'VERIFY_GREEN',
    payload: { gate: 'GREEN', verdict },
  });
  return { type: 'green_checked', verdict };
}
