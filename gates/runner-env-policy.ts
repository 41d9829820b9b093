import { diffLines } from 'diff';
import type { FileChange } from '../sandbox/atomic-apply.js';
import { RUNNER_ENV, scanScript, type RunnerEnvHit } from './runner-env-scan.js';

/** A production line that makes code behave differently under test. */
export interface RunnerEnvFinding extends RunnerEnvHit {
  path: string;
}

/** The policy's answer for a fix: every finding, and one message naming the first file and line. */
export type RunnerEnvVerdict =
  | { ok: true }
  | { ok: false; rule: 'runner_env'; path: string; message: string; findings: RunnerEnvFinding[] };

const SCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
// Other source files, scanned line by line; prose and data files may name a variable freely.
const OTHER_CODE = /\.(?:py|rb|go|rs|java|kt|php|cs|sh|bash|zsh|ex|exs|swift|scala|c|cc|cpp|h|hpp)$/;
const PYTHON_HITS: Array<[RegExp, string]> = [
  [/\bPYTEST_CURRENT_TEST\b/, 'reads PYTEST_CURRENT_TEST'],
  [/["'](?:_?pytest|unittest)["']\s+in\s+sys\.modules/, 'checks whether a test runner is loaded'],
  [/\b(?:unittest\.)?TestCase\.assert\w*\s*=(?!=)/, 'replaces a unittest assertion'],
  [/\bassert\w*\s*=\s*lambda\b/, 'replaces an assertion'],
];

/** 1-based numbers of the lines of `after` that `before` does not have. */
function addedLines(before: string, after: string): Set<number> {
  const added = new Set<number>();
  let line = 1;
  for (const part of diffLines(before, after)) {
    const count = part.count ?? part.value.split('\n').length - 1;
    if (part.added) for (let i = 0; i < count; i++) added.add(line + i);
    if (!part.removed) line += count;
  }
  return added;
}

/** Line-based checks for code the TypeScript parser cannot read: Python patterns, then runner variable names. */
function scanText(text: string, python: boolean): RunnerEnvHit[] {
  const hits: RunnerEnvHit[] = [];
  text.split('\n').forEach((content, i) => {
    const pattern = python ? PYTHON_HITS.find(([re]) => re.test(content)) : undefined;
    const named = content.match(/\b[A-Z_]{4,}\w*\b/g)?.find((word) => RUNNER_ENV.test(word));
    if (pattern !== undefined) hits.push({ line: i + 1, what: pattern[1] });
    else if (named !== undefined) hits.push({ line: i + 1, what: `names ${named}` });
  });
  return hits;
}

function scan(change: FileChange & { after: string }): RunnerEnvHit[] {
  if (SCRIPT.test(change.path)) return scanScript(change.after, change.path);
  if (OTHER_CODE.test(change.path)) return scanText(change.after, change.path.endsWith('.py'));
  return [];
}

/**
 * The runner-environment policy for fixes: production code must behave the same under the test runner as in
 * production. Refuses a change whose added lines read a runner's environment or globals, compare NODE_ENV with
 * "test", load a test runner, or patch assertions or module loading. Pure: it reads only the changes it is given.
 */
export function checkRunnerEnv(changes: readonly FileChange[]): RunnerEnvVerdict {
  const findings: RunnerEnvFinding[] = [];
  for (const change of changes) {
    if (change.after === null) continue;
    const added = addedLines(change.before ?? '', change.after);
    const hits = scan({ ...change, after: change.after }).filter((h) => added.has(h.line));
    for (const hit of hits) findings.push({ path: change.path, ...hit });
  }
  const first = findings[0];
  if (first === undefined) return { ok: true };
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : '';
  return {
    ok: false,
    rule: 'runner_env',
    path: first.path,
    findings,
    message: `${first.path}:${first.line}: the fix ${first.what}${more}; production code must behave the same under the test runner, so a fix may not detect or patch it (rule runner_env)`,
  };
}
