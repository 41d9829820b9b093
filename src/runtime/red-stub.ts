import type { BaselineSummary } from '../core/evidence.js';
import type { TestReport } from '../core/report.js';
import {
  findMissingSymbols,
  importCandidates,
  stubChanges,
  testImports,
  type MissingSymbol,
  symbolFailures,
} from '../../gates/missing-symbol.js';
import type { RunContext } from './context.js';
import { buildTree, syncWorktree, textInTree } from './worktree.js';

/**
 * The missing-symbol rule for `fix`: when new tests fail only because they use symbols the fix will add, stub
 * those symbols (a function returning undefined, an empty class) on the unchanged production code, in a tree of
 * its own, run the tests again on that tree, and put the worktree back to `tree`. Returns null when no failure is
 * explained by a missing symbol.
 */
export async function rerunWithStubs(
  report: TestReport,
  testFiles: readonly string[],
  baseline: BaselineSummary,
  ctx: RunContext,
  tree: string,
  run: (stubTree: string) => Promise<{ report: TestReport; sha: string }>,
): Promise<{ report: TestReport; sha: string; symbols: MissingSymbol[]; ids: string[] } | null> {
  const files = new Set(testFiles);
  const known = new Set(baseline.testIds);
  const failures = symbolFailures(report, files, (t) => files.has(t.file) && !known.has(t.id));
  if (failures.length === 0) return null;
  const tests: Record<string, string> = {};
  const sources: Record<string, string | null> = {};
  for (const file of testFiles) {
    const text = await textInTree(ctx, tree, file);
    if (text === null) continue;
    tests[file] = text;
    for (const use of testImports(text, file)) {
      for (const candidate of importCandidates(file, use.specifier))
        sources[candidate] ??= await textInTree(ctx, tree, candidate);
    }
  }
  const symbols = findMissingSymbols(failures, tests, null, sources);
  if (symbols.length === 0) return null;
  const changes = stubChanges(symbols, sources);
  const stubTree = await buildTree(ctx, tree, changes);
  try {
    const rerun = await run(stubTree);
    const explained = new Set(symbols.flatMap((s) => s.explains));
    const ids = rerun.report.tests
      .filter((t) => files.has(t.file) && (explained.has(t.id) || explained.has(`file:${t.file}`)))
      .map((t) => t.id);
    return { ...rerun, symbols, ids };
  } finally {
    // The stubs existed only for this run; the worktree goes back to the tree under test.
    await syncWorktree(ctx, tree);
  }
}
