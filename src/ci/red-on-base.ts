import {
  findMissingSymbols,
  stubChanges,
  type MissingSymbol,
  symbolFailures,
} from '../../gates/missing-symbol.js';
import { unrelatedFailures } from '../../gates/production-use.js';
import type { ChangedExpectation, RedVerdict } from '../core/evidence.js';
import type { CollectionError, TestReport } from '../core/report.js';
import type { Config } from '../policy/config-schema.js';
import type { ChangedFile } from './git-changes.js';
import { generatedBy, judgeOnBase, type DeclaredCounts } from './red-judge.js';
import { changeScratch, runIn, type Scratch } from './scratch.js';
import { DYNAMIC_TITLE, type DeclaredTest, type TestDiff } from './test-diff.js';

/** One new or changed test, judged on the base production code. */
export interface BaseJudgement {
  id: string;
  file: string;
  verdict: RedVerdict;
  /** `module#name` of the symbols stubbed before it was judged. */
  stubbed: string[];
}

export interface RedOnBaseInput {
  scratch: Scratch;
  config: Config;
  isTestFile: (path: string) => boolean;
  diff: TestDiff;
  /** Changed test files (head content) to run, and the changed production files (both sides) to stub. */
  testFiles: readonly ChangedFile[];
  production: readonly ChangedFile[];
  /** Test ids the base suite collects (run alongside): a reported id outside it the source does not name is new too. */
  baseIds: Promise<ReadonlySet<string>>;
  /** Errors outside tests in base's full suite run: the environment's, held aside when judging. */
  baseErrors?: Promise<readonly CollectionError[]>;
  /** Existing tests the pull request rewrote, old → new, and whether the base's config allows that. */
  expectations?: { changes: readonly ChangedExpectation[]; allowed: boolean };
  progress: (message: string) => void;
}

/**
 * New or changed tests by runner id. Ids the source cannot name exactly (test.each, template titles) show up
 * only in reports: each one a changed data-driven declaration generates, and each one base did not collect.
 */
function candidateIds(
  diff: TestDiff,
  files: ReadonlySet<string>,
  reports: TestReport[],
  baseIds: ReadonlySet<string>,
): string[] {
  const reported = new Set(reports.flatMap((r) => r.tests.map((t) => t.id)));
  const dynamic = [...diff.candidates]
    .map((id) => diff.head.get(id))
    .filter((t): t is DeclaredTest => t !== undefined && DYNAMIC_TITLE.test(t.name));
  const fromSource = [...diff.candidates].filter(
    (id) => reported.has(id) || !DYNAMIC_TITLE.test(diff.head.get(id)?.name ?? ''),
  );
  const fromReports = [...reported].filter(
    (id) =>
      files.has(id.split(' > ')[0]!) &&
      !diff.head.has(id) &&
      (!baseIds.has(id) || dynamic.some((t) => generatedBy(t, id))),
  );
  return [...new Set([...fromSource, ...fromReports])];
}

async function applyStubs(scratch: Scratch, symbols: MissingSymbol[], production: readonly ChangedFile[]) {
  const base = Object.fromEntries(production.map((f) => [f.path, f.before]));
  await changeScratch(scratch, stubChanges(symbols, base));
  return { ok: true as const };
}

/** The changed test files that declare tests on head: what RED runs on base. */
export function redTestFiles(diff: TestDiff, testFiles: readonly ChangedFile[]): string[] {
  const present = new Set(testFiles.filter((f) => f.after !== null).map((f) => f.path));
  return [...new Set([...diff.head.values()].map((t) => t.file))].filter((f) => present.has(f));
}

/**
 * RED for a pull request: runs head's new and changed test files on base's production code (the scratch
 * worktree holds base with head's test files checked out), applies the stub rule when a test fails only for
 * want of a symbol the change adds, and judges each new or changed test as the RED gate would.
 */
export async function redOnBase(input: RedOnBaseInput, counts: DeclaredCounts): Promise<BaseJudgement[]> {
  const { scratch, config, isTestFile, diff } = input;
  const files = redTestFiles(diff, input.testFiles);
  if (files.length === 0) return [];
  const fileSet = new Set(files);
  input.progress(`running ${files.join(', ')} on the base production code`);
  const first = await runIn(scratch, config, isTestFile, files);
  // Every unnamed reported id may be new until base's own ids are known; a stub for a non-candidate is harmless.
  const suspects = candidateIds(diff, fileSet, [first.report], new Set());
  const wanted = new Set(suspects);
  const tests = Object.fromEntries(
    input.testFiles.flatMap((f) => (f.after === null ? [] : [[f.path, f.after]])),
  );
  const symbols = findMissingSymbols(
    symbolFailures(first.report, fileSet, (t) => wanted.has(t.id)),
    tests,
    Object.fromEntries(input.production.map((f) => [f.path, f.after])),
    Object.fromEntries(input.production.map((f) => [f.path, f.before])),
  );
  let second: TestReport | null = null;
  if (symbols.length > 0 && (await applyStubs(scratch, symbols, input.production)).ok) {
    const names = symbols.map((s) => `${s.module}#${s.name}`);
    input.progress(`stubbing ${names.join(', ')} on base and running again`);
    second = (await runIn(scratch, config, isTestFile, files)).report;
  }
  const baseErrors = (await input.baseErrors?.catch(() => [])) ?? [];
  const ids = candidateIds(
    diff,
    fileSet,
    second === null ? [first.report] : [first.report, second],
    await input.baseIds,
  );
  return ids.map((id) => {
    const file = id.split(' > ')[0]!;
    const used =
      second === null ? [] : symbols.filter((s) => s.explains.some((e) => e === id || e === `file:${file}`));
    const report = used.length > 0 ? second! : first.report;
    const unrelated = unrelatedFailures(report, (t) => t === id, tests, isTestFile);
    const change = input.expectations?.changes.find((c) => c.id === id);
    const changed =
      change === undefined ? undefined : { change, allowed: input.expectations?.allowed ?? true };
    const verdict = judgeOnBase(report, id, file, counts, used, baseErrors, unrelated, changed);
    return { id, file, verdict, stubbed: used.map((s) => `${s.module}#${s.name}`) };
  });
}
