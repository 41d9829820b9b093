import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
import { applyChanges } from '../../sandbox/atomic-apply.js';
import type { RunContext } from './context.js';

const read = (ctx: RunContext, path: string) => readFile(join(ctx.worktree, path), 'utf8').catch(() => null);

/**
 * The missing-symbol rule for `fix`: when new tests fail only because they use symbols the fix will add, stub
 * those symbols (a function returning undefined, an empty class) on the unchanged production code, run the tests
 * again, and put the code back. Returns null when no failure is explained by a missing symbol.
 */
export async function rerunWithStubs(
  report: TestReport,
  testFiles: readonly string[],
  baseline: BaselineSummary,
  ctx: RunContext,
  run: () => Promise<{ report: TestReport; sha: string }>,
): Promise<{ report: TestReport; sha: string; symbols: MissingSymbol[]; ids: string[] } | null> {
  const files = new Set(testFiles);
  const known = new Set(baseline.testIds);
  const failures = symbolFailures(report, files, (t) => files.has(t.file) && !known.has(t.id));
  if (failures.length === 0) return null;
  const tests: Record<string, string> = {};
  const sources: Record<string, string | null> = {};
  for (const file of testFiles) {
    const text = await read(ctx, file);
    if (text === null) continue;
    tests[file] = text;
    for (const use of testImports(text, file)) {
      for (const candidate of importCandidates(file, use.specifier))
        sources[candidate] ??= await read(ctx, candidate);
    }
  }
  const symbols = findMissingSymbols(failures, tests, null, sources);
  if (symbols.length === 0) return null;
  const changes = stubChanges(symbols, sources);
  const undoDir = join(ctx.runDir, 'undo');
  const applied = await applyChanges(ctx.worktree, changes, ctx.config.paths, { undoDir });
  if (!applied.ok) return null;
  try {
    const rerun = await run();
    const explained = new Set(symbols.flatMap((s) => s.explains));
    const ids = rerun.report.tests
      .filter((t) => files.has(t.file) && (explained.has(t.id) || explained.has(`file:${t.file}`)))
      .map((t) => t.id);
    return { ...rerun, symbols, ids };
  } finally {
    // The stubs existed only for this run; production code goes back exactly as it was.
    const undo = changes.map((c) => ({ path: c.path, before: c.after, after: c.before }));
    await applyChanges(ctx.worktree, undo, ctx.config.paths, { undoDir });
  }
}
