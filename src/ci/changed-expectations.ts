import { diffArrays } from 'diff';
import type { ChangedExpectation } from '../core/evidence.js';
import type { ChangedFile } from './git-changes.js';
import type { DeclaredTest, TestDiff } from './test-diff.js';

/** A line that asserts: assertion libraries' entry points, and ava's `t.is(…)` family. */
const ASSERTION =
  /\b(?:assert\w*|expect|should)\b|\bt\.(?:is|not|deepEqual|notDeepEqual|like|true|false|truthy|falsy|regex|throws|throwsAsync|snapshot)\b/;

/** Lines shown per side of one change, and characters per line: the trailers and tables stay readable. */
const MAX_LINES = 6;
const MAX_CHARS = 200;

function linesOf(source: string, test: DeclaredTest): string[] {
  return source
    .split(/\r?\n/)
    .slice(test.line - 1, Math.max(test.line, test.endLine))
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function shown(lines: readonly string[]): string[] {
  const asserting = lines.filter((l) => ASSERTION.test(l));
  return (asserting.length > 0 ? asserting : lines)
    .slice(0, MAX_LINES)
    .map((l) => (l.length > MAX_CHARS ? `${l.slice(0, MAX_CHARS - 1)}…` : l));
}

/**
 * One changed test, old → new: the lines of its declaration that the change removed and added, only the asserting
 * ones when any of them asserts (the expectation), otherwise every changed line.
 */
export function expectationChange(
  was: DeclaredTest,
  now: DeclaredTest,
  before: string,
  after: string,
): ChangedExpectation {
  const parts = diffArrays(linesOf(before, was), linesOf(after, now));
  const removed = parts.filter((p) => p.removed).flatMap((p) => p.value);
  const added = parts.filter((p) => p.added).flatMap((p) => p.value);
  return { id: now.id, old: shown(removed), new: shown(added) };
}

/**
 * The existing tests a change rewrote (same id on both sides, different call), each old → new, in id order.
 * `files` hold both sides of the changed test files.
 */
export function changedExpectations(diff: TestDiff, files: readonly ChangedFile[]): ChangedExpectation[] {
  const out: ChangedExpectation[] = [];
  for (const id of [...diff.candidates].sort()) {
    const was = diff.base.get(id);
    const now = diff.head.get(id);
    if (was === undefined || now === undefined || was.syntax === now.syntax) continue;
    const file = files.find((f) => f.path === now.file);
    if (file?.before == null || file.after === null) continue;
    out.push(expectationChange(was, now, file.before, file.after));
  }
  return out;
}
