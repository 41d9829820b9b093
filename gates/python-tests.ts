import type { StaticTest } from './assertion-count.js';

/** A `def test_*` (or `async def`) line, and a `class Test*` line: pytest's default collection rules. */
const DEF = /^(\s*)(?:async\s+)?def\s+(test\w*)\s*\(/;
const CLASS = /^(\s*)class\s+(Test\w*)\s*[(:]/;
/** Lines that assert something about the code under test: `assert`, pytest.raises/warns, unittest's assert*. */
const ASSERTION = /^\s*assert\b|\bpytest\.(?:raises|warns|approx)\b|\bself\.assert[A-Z]\w*\s*\(/;
/** Decorators that skip, expect a failure of, or focus a test. */
const SKIP = /^\s*@pytest\.mark\.(skip|skipif|xfail)\b/;

function indentOf(line: string): number {
  return /^\s*/.exec(line)?.[0].replace(/\t/g, '    ').length ?? 0;
}

/**
 * The tests a pytest file declares, named as the JUnit adapter names them (`Class > test_name`), with how many
 * assertion lines each body holds. Read line by line by indentation: pytest's own collection rules for names,
 * no Python parser needed for the gates' questions (does a test exist, does it assert, is it skipped).
 */
export function analyzePythonTests(source: string): StaticTest[] {
  const lines = source.split(/\r?\n/);
  const tests: StaticTest[] = [];
  const classes: Array<{ name: string; indent: number }> = [];
  let current: { test: StaticTest; indent: number } | null = null;
  let pendingSkip = false;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const indent = indentOf(line);
    if (current !== null && indent <= current.indent) current = null;
    while (classes.length > 0 && indent <= classes.at(-1)!.indent && !/^\s*@/.test(line)) classes.pop();
    if (SKIP.test(line)) pendingSkip = true;
    const cls = CLASS.exec(line);
    if (cls !== null) {
      classes.push({ name: cls[2]!, indent });
      continue;
    }
    const def = DEF.exec(line);
    if (def !== null) {
      const test: StaticTest = {
        name: [...classes.map((c) => c.name), def[2]!].join(' > '),
        line: index + 1,
        assertions: 0,
        modifier: pendingSkip ? 'skip' : 'none',
      };
      tests.push(test);
      current = { test, indent };
      pendingSkip = false;
      continue;
    }
    if (!/^\s*@/.test(line)) pendingSkip = false;
    if (current !== null && ASSERTION.test(line)) current.test.assertions++;
  }
  return tests;
}

/** The source text of the test declared at `line` (1-based): its `def` line and its indented body. */
export function pythonTestText(source: string, line: number): string {
  const lines = source.split(/\r?\n/);
  const start = line - 1;
  const indent = indentOf(lines[start] ?? '');
  let end = start + 1;
  while (end < lines.length && (lines[end]!.trim() === '' || indentOf(lines[end]!) > indent)) end++;
  return lines.slice(start, end).join('\n').trimEnd();
}
