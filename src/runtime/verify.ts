import type { RunEvent } from '../core/events.js';
import type { LockRecord, PatchRef } from '../core/evidence.js';
import type { TestReport } from '../core/report.js';
import { declaredCounts } from '../ci/red-judge.js';
import { changedExpectations } from '../ci/changed-expectations.js';
import type { ChangedFile } from '../ci/git-changes.js';
import { declaredTests, diffTests, type DeclaredTest } from '../ci/test-diff.js';
import { testConfigPart } from '../../gates/lock-scope.js';
import { evaluateGreen } from '../../gates/green-gate.js';
import { unrelatedFailures } from '../../gates/production-use.js';
import { evaluateRed } from '../../gates/red-gate.js';
import { runTests } from '../../gates/run-tests.js';
import { InternalError } from '../errors.js';
import { readBlobs } from '../git/objects.js';
import { sha256Hex } from '../journal/hash.js';
import type { RunContext, RunDeps } from './context.js';
import { rerunWithStubs } from './red-stub.js';
import { withFrames } from './report-summary.js';
import { describeReport, saveReport } from './reports.js';
import { baseTree, gitDirFor, textInTree, treeEntries } from './worktree.js';

/** Keeps the most recent report for `read_last_report` and the evidence bundle. */
export interface ReportMemory {
  last: TestReport | null;
}

/** Most paths a restore event lists; the count is always exact. */
const MAX_LISTED = 200;

/** Puts the worktree back to `tree` and, when anything differed, journals and reports which paths. */
async function restore(
  ctx: RunContext,
  deps: RunDeps,
  tree: string,
  purpose: string,
  when: 'before' | 'after',
) {
  const paths = await deps.trust.restoreTree(ctx, tree);
  if (paths.length === 0) return;
  await deps.journal.append({
    type: 'worktree_restored',
    phase: purpose,
    payload: { purpose, when, tree, count: paths.length, paths: paths.slice(0, MAX_LISTED) },
  });
  const shown = paths.slice(0, 5).join(', ') + (paths.length > 5 ? ` and ${paths.length - 5} more` : '');
  deps.progress.note(
    when === 'after'
      ? `the test run changed ${shown}; restored`
      : `the worktree differed from the tree under test at ${shown}; restored`,
  );
}

/**
 * Runs tests on exactly `tree`: the worktree is checked against it before the run and restored after it, so a
 * test run can change nothing that a gate judges or that COMMIT commits.
 */
export async function runAndRecord(
  ctx: RunContext,
  deps: RunDeps,
  files: readonly string[],
  purpose: string,
  memory: ReportMemory,
  tree: string,
): Promise<{ report: TestReport; sha: string }> {
  await restore(ctx, deps, tree, purpose, 'before');
  deps.progress.note(`running ${files.length === 0 ? 'the full suite' : files.join(', ')} (${purpose})`);
  const run = await runTests({
    worktree: ctx.worktree,
    config: ctx.config,
    files,
    isTestFile: (p) => deps.classify(p) === 'test',
    readOnlyBinds: deps.trust.testBinds(ctx),
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
  await restore(ctx, deps, tree, purpose, 'after');
  return { report: run.report, sha };
}

/**
 * Assertion counts for the tests of `files` in `tree`, by the ids a report gives them: declared tests by name
 * (repeated names numbered as the adapters number them), and titles computed from data (a loop, test.each) by
 * the declaration whose title pattern they match. The same lookup serves `ci check`.
 */
async function assertionCounts(
  ctx: RunContext,
  tree: string,
  files: readonly string[],
  ids: readonly string[],
): Promise<Record<string, number>> {
  const declared = new Map<string, DeclaredTest>();
  for (const file of files) {
    const source = await textInTree(ctx, tree, file);
    if (source === null) continue;
    for (const test of declaredTests(source, file)) declared.set(test.id, test);
  }
  const counts = declaredCounts(declared);
  return Object.fromEntries(ids.map((id) => [id, counts.of(id)]));
}

/** Test sources agentctl reads declarations from (JS/TS through the TypeScript parser, Python by pytest's rules). */
const READABLE = /\.(?:[cm]?[jt]sx?|py)$/;

/**
 * What the test patch did to existing tests, read from source on base and on the patch's tree by the test diff
 * `ci check` uses: the tests it rewrote (old → new), and the ones it deleted, skipped or weakened.
 */
async function existingTestChanges(
  ctx: RunContext,
  files: readonly string[],
  sources: Readonly<Record<string, string>>,
) {
  const base = await baseTree(ctx);
  const changed: ChangedFile[] = [];
  for (const path of files.filter((f) => READABLE.test(f))) {
    const before = await textInTree(ctx, base, path);
    const after = sources[path] ?? null;
    changed.push({ path, status: before === null ? 'added' : 'modified', before, after });
  }
  const diff = diffTests(changed);
  return {
    expectations: changedExpectations(diff, changed),
    // New tests that are skipped are judged by RED itself ("does not constrain behavior").
    weakened: diff.integrity
      .filter((f) => f.testId !== undefined && diff.base.has(f.testId))
      .map((f) => f.message),
  };
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
  const tree = patchTree(patch);
  const { report, sha } = await runAndRecord(ctx, deps, files, 'VERIFY_RED', memory, tree);
  const assertions = await assertionCounts(
    ctx,
    tree,
    files,
    report.tests.map((t) => t.id),
  );
  const sources: Record<string, string> = {};
  for (const file of files) {
    const text = await textInTree(ctx, tree, file);
    if (text !== null) sources[file] = text;
  }
  const existing = await existingTestChanges(ctx, files, sources);
  const changed = {
    expectations: existing.expectations,
    allowed: ctx.config.tests.allowChangedExpectations,
    // The model's stated reason and the user's task are what may name a reversed behaviour.
    stated: [ctx.task, patch.reason ?? ''].join('\n'),
  };
  const rules = { changed, weakened: existing.weakened };
  const changedIds = new Set(changed.expectations.map((c) => c.id));
  const known = new Set(baseline.testIds);
  const isTest = (path: string) => deps.classify(path) === 'test';
  // A rewritten existing test is evidence like a new one, so its failing statement is checked the same way.
  const isCandidate = (id: string) => !known.has(id) || changedIds.has(id);
  const unrelatedIn = (r: typeof report) => unrelatedFailures(r, isCandidate, sources, isTest);
  let unrelated = unrelatedIn(report);
  let verdict = evaluateRed({
    baseline,
    report,
    reportSha: sha,
    patchedFiles: files,
    assertions,
    unrelated,
    ...rules,
  });
  let judged = report;
  let inputs: Record<string, unknown> = {
    reportSha: sha,
    patchedFiles: files,
    assertions,
    unrelated,
    ...rules,
  };
  if (!verdict.ok && verdict.reason === 'wrong_reason') {
    // A test of a symbol the fix will add fails by import or TypeError: stub it and judge the test again.
    const stubbed = await rerunWithStubs(report, files, baseline, ctx, tree, (stubTree) =>
      runAndRecord(ctx, deps, files, 'VERIFY_RED:stubbed', memory, stubTree),
    );
    if (stubbed !== null) {
      const names = stubbed.symbols.map((s) => `${s.module}#${s.name}`);
      deps.progress.note(`stubbed ${names.join(', ')} on unchanged production code and ran the tests again`);
      const stubInfo = { ids: stubbed.ids, names };
      // A file that failed to load reported no tests the first time; count the ones the stubbed run found.
      Object.assign(
        assertions,
        await assertionCounts(
          ctx,
          tree,
          files,
          stubbed.report.tests.map((t) => t.id),
        ),
      );
      unrelated = unrelatedIn(stubbed.report);
      verdict = evaluateRed({
        baseline,
        report: stubbed.report,
        reportSha: stubbed.sha,
        patchedFiles: files,
        assertions,
        stubbed: stubInfo,
        unrelated,
        ...rules,
      });
      inputs = {
        reportSha: stubbed.sha,
        patchedFiles: files,
        assertions,
        stubbed: stubInfo,
        unrelated,
        ...rules,
      };
      judged = stubbed.report;
    }
  }
  // The inputs are journaled with the verdict so replay can recompute it with the code as it is now.
  await deps.journal.append({
    type: 'gate_verdict',
    phase: 'VERIFY_RED',
    payload: { gate: 'RED', verdict, inputs },
  });
  // The model is told where in production code each failure came from (see report-summary.ts).
  const where = { worktree: ctx.worktree, classify: deps.classify };
  return {
    type: 'red_checked',
    verdict: { ...verdict, failures: withFrames(verdict.failures, judged, where) },
  };
}

/** The tree an accepted patch produced; a patch without one cannot be judged. */
function patchTree(patch: PatchRef): string {
  if (patch.tree === undefined)
    throw new InternalError(
      `patch ${patch.sha.slice(0, 12)} carries no tree; it was not applied by this runtime`,
    );
  return patch.tree;
}

/** The key suffix of a file locked by part (package.json's test keys, pyproject's pytest tables). */
const PART = '#test-config';

/**
 * Hashes of what LOCK protects in `tree`: every test file and test configuration file, and package scripts.
 * Read from the tree agentctl built, never from the disk a test run could have changed.
 */
async function hashTree(ctx: RunContext, deps: RunDeps, tree: string): Promise<Record<string, string>> {
  const gitDir = await gitDirFor(ctx.repoRoot);
  const entries = await treeEntries(gitDir, tree);
  const locked = [...entries].filter(([f, e]) => deps.classify(f) !== 'production' && e.mode !== '160000');
  const blobs = await readBlobs(
    gitDir,
    locked.map(([, e]) => e.sha),
  );
  const hashes: Record<string, string> = {};
  for (const [file, entry] of locked.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hashes[file] = sha256Hex(blobs.get(entry.sha)?.toString('utf8') ?? '');
  }
  // package.json and pyproject.toml are locked by part: their test keys and tables, not their dependencies.
  for (const [file] of entries) {
    if (testConfigPart(file, null) === null) continue;
    hashes[`${file}${PART}`] = sha256Hex(testConfigPart(file, await textInTree(ctx, tree, file)) ?? '');
  }
  return hashes;
}

/** LOCK: freeze tests, test configuration and package scripts by hash; each fix starts from the test's tree. */
export async function lockTests(
  newTestIds: readonly string[],
  patch: PatchRef,
  ctx: RunContext,
  deps: RunDeps,
): Promise<RunEvent> {
  const tree = patchTree(patch);
  const hashes = await hashTree(ctx, deps, tree);
  const counts = await assertionCounts(
    ctx,
    tree,
    patch.files.filter((f) => deps.classify(f) === 'test'),
    newTestIds,
  );
  const lock: LockRecord = {
    hashes,
    testIds: [...newTestIds],
    assertionCounts: Object.fromEntries(newTestIds.map((id) => [id, counts[id] ?? 0])),
    tree,
  };
  await deps.journal.append({
    type: 'lock',
    phase: 'LOCK',
    payload: { files: Object.keys(hashes).length, tree: lock.tree },
  });
  return { type: 'tests_locked', lock };
}

/** Locked paths whose content in the fix's tree differs from the lock (package scripts as package.json). */
async function lockedChanges(lock: LockRecord, fixTree: string, ctx: RunContext, deps: RunDeps) {
  const now = await hashTree(ctx, deps, fixTree);
  const changed = new Set<string>();
  for (const [path, hash] of Object.entries(lock.hashes)) if (now[path] !== hash) changed.add(path);
  for (const path of Object.keys(now)) if (!(path in lock.hashes)) changed.add(path);
  return [...new Set([...changed].map((k) => (k.endsWith(PART) ? k.slice(0, -PART.length) : k)))].sort();
}

/** GREEN on the fix's tree: integrity of the lock, then the new tests, then the whole suite once. */
export async function verifyGreen(
  lock: LockRecord,
  newTestIds: readonly string[],
  fix: PatchRef,
  baseline: Parameters<typeof evaluateGreen>[0]['baseline'],
  ctx: RunContext,
  deps: RunDeps,
  memory: ReportMemory,
): Promise<RunEvent> {
  const tree = patchTree(fix);
  const reverted = await lockedChanges(lock, tree, ctx, deps);
  const files = [...new Set(newTestIds.map((id) => id.split(' > ')[0]!))];
  const targeted = await runAndRecord(ctx, deps, files, 'VERIFY_GREEN:new', memory, tree);
  const newPass = newTestIds.every((id) =>
    targeted.report.tests.some((t) => t.id === id && t.state === 'passed'),
  );
  const full =
    reverted.length === 0 && newPass
      ? await runAndRecord(ctx, deps, [], 'VERIFY_GREEN:full', memory, tree)
      : null;
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
