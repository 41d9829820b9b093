import type * as TS from 'typescript';
import { analyzeTestSource, type StaticTest } from '../../gates/assertion-count.js';
import { pythonTestText } from '../../gates/python-tests.js';
import { nodeSyntax, parseSource } from '../../gates/behavior-change.js';
import { typescript } from '../../gates/typescript-lazy.js';
import type { ChangedFile } from './git-changes.js';
import type { Finding } from './verdict.js';

/** A test as its source declares it, with its id and a formatting-blind form of its call for comparison. */
export interface DeclaredTest extends StaticTest {
  id: string;
  file: string;
  syntax: string;
}

/** What changed among the tests of the changed test files, read from source on both sides. */
export interface TestDiff {
  /** Ids of tests added, or whose body changed: the candidates for RED evidence. */
  candidates: Set<string>;
  head: Map<string, DeclaredTest>;
  base: Map<string, DeclaredTest>;
  /** Deleted, newly skipped/focused/todo, or weakened tests. */
  integrity: Finding[];
}

/** Call expressions per 1-based line, outermost first, in source order. */
function callsByLine(
  sf: TS.SourceFile,
  isCall: (n: TS.Node) => n is TS.CallExpression,
): Map<number, TS.Node[]> {
  const byLine = new Map<number, TS.Node[]>();
  const visit = (node: TS.Node): void => {
    if (isCall(node)) {
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      byLine.set(line, [...(byLine.get(line) ?? []), node]);
    }
    node.forEachChild(visit);
  };
  visit(sf);
  return byLine;
}

/** The tests a test file declares, each with its id and the syntax of its declaring call. */
export function declaredTests(source: string, file: string): DeclaredTest[] {
  const tests = analyzeTestSource(source, file);
  if (tests.length === 0) return [];
  if (/\.py$/.test(file)) return pythonDeclared(tests, source, file);
  const sf = parseSource(source, file);
  const calls = callsByLine(sf, typescript().isCallExpression);
  const seen = new Map<number, number>();
  // Tests sharing a name get ` #2`, ` #3` in source order, as the adapters number them in a report.
  const named = new Map<string, number>();
  return tests.map((test) => {
    const nth = seen.get(test.line) ?? 0;
    seen.set(test.line, nth + 1);
    const call = calls.get(test.line)?.[nth];
    const plain = `${file} > ${test.name}`;
    const n = (named.get(plain) ?? 0) + 1;
    named.set(plain, n);
    return {
      ...test,
      id: n === 1 ? plain : `${plain} #${n}`,
      file,
      syntax: call ? nodeSyntax(call) : `line ${test.line}`,
    };
  });
}

/** Python tests: ids as the JUnit adapter gives them, and each test's own text as its syntax. */
function pythonDeclared(tests: StaticTest[], source: string, file: string): DeclaredTest[] {
  return tests.map((test) => ({
    ...test,
    id: `${file} > ${test.name}`,
    file,
    syntax: pythonTestText(source, test.line),
  }));
}

function byId(files: readonly ChangedFile[], side: 'before' | 'after'): Map<string, DeclaredTest> {
  const map = new Map<string, DeclaredTest>();
  for (const f of files) {
    const text = f[side];
    if (text !== null) for (const t of declaredTests(text, f.path)) map.set(t.id, t);
  }
  return map;
}

const MODIFIER_WORDS = { skip: 'skipped', only: 'focused with .only', todo: 'marked todo' } as const;

/** Compares the tests of the changed test files on base and head. */
export function diffTests(testFiles: readonly ChangedFile[]): TestDiff {
  const base = byId(testFiles, 'before');
  const head = byId(testFiles, 'after');
  const candidates = new Set<string>();
  const integrity: Finding[] = [];
  for (const [id, now] of head) {
    const was = base.get(id);
    if (was === undefined || was.syntax !== now.syntax) candidates.add(id);
    if (now.modifier !== 'none' && was?.modifier !== now.modifier) {
      integrity.push({
        check: 'integrity',
        rule: 'test_skipped',
        file: now.file,
        line: now.line,
        testId: id,
        message: `${id} is ${MODIFIER_WORDS[now.modifier]}${was === undefined ? '' : ' (it was not on base)'}`,
      });
    }
    if (was !== undefined && now.assertions < was.assertions) {
      integrity.push({
        check: 'integrity',
        rule: 'assertions_removed',
        file: now.file,
        line: now.line,
        testId: id,
        message: `${id} lost assertions: ${was.assertions} on base, ${now.assertions} on head`,
      });
    }
  }
  for (const [id, was] of base) {
    if (head.has(id)) continue;
    const fileGone = testFiles.some((f) => f.path === was.file && f.after === null);
    integrity.push({
      check: 'integrity',
      rule: 'test_deleted',
      file: was.file,
      testId: id,
      message: `${id} was deleted${fileGone ? ' (its file was removed)' : ''}`,
    });
  }
  return { candidates, head, base, integrity };
}
