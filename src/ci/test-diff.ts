import type * as TS from 'typescript';
import { analyzeTestSource, type StaticTest } from '../../gates/assertion-count.js';
import { importCandidates, testImports } from '../../gates/module-syntax.js';
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
  /** The same form of its body alone, so a test renamed or moved to another describe is still recognised. */
  body: string;
  /** The 1-based last line of its declaration, so its source lines can be shown (changed expectations). */
  endLine: number;
}

/** A test whose title, enclosing describe or modifier changed while its body stayed the same. */
export interface RenamedTest {
  from: string;
  to: string;
}

/** What changed among the tests of the changed test files, read from source on both sides. */
export interface TestDiff {
  /** Ids of tests added, or whose body changed: the candidates for RED evidence. */
  candidates: Set<string>;
  head: Map<string, DeclaredTest>;
  base: Map<string, DeclaredTest>;
  /** Deleted, newly skipped/focused/todo, or weakened tests. */
  integrity: Finding[];
  /** Tests renamed with their body unchanged: not deleted, and said so in the report. */
  renamed: RenamedTest[];
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
    const fn = call === undefined ? undefined : testBody(call);
    return {
      ...test,
      id: n === 1 ? plain : `${plain} #${n}`,
      file,
      syntax: call ? nodeSyntax(call) : `line ${test.line}`,
      body: fn === undefined ? `line ${test.line}` : nodeSyntax(fn),
      endLine: call === undefined ? test.line : sf.getLineAndCharacterOfPosition(call.getEnd()).line + 1,
    };
  });
}

/** The function a test declaration runs: its last function argument. */
function testBody(call: TS.Node): TS.Node | undefined {
  const ts = typescript();
  if (!ts.isCallExpression(call)) return undefined;
  return [...call.arguments].reverse().find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
}

/** Python tests: ids as the JUnit adapter gives them, and each test's own text as its syntax. */
function pythonDeclared(tests: StaticTest[], source: string, file: string): DeclaredTest[] {
  return tests.map((test) => ({
    ...test,
    id: `${file} > ${test.name}`,
    file,
    syntax: pythonTestText(source, test.line),
    // Without its `def` line: the name is the title.
    body: pythonTestText(source, test.line).split('\n').slice(1).join('\n'),
    endLine: test.line + pythonTestText(source, test.line).split('\n').length - 1,
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

/** A title the runner computes from data: `%s`, `$name`, `${…}`. */
export const DYNAMIC_TITLE = /%[sdifjoOp#]|\$\w|\$\{/;

/**
 * Unchanged test files that import one of `dataFiles` (changed files declaring no test: tables, fixtures),
 * each with the local names its imports of them bind. Their data-driven tests changed with the data.
 */
export function dataConsumers(
  dataFiles: readonly string[],
  specs: ReadonlyArray<{ path: string; text: string }>,
): Map<string, string[]> {
  const data = new Set(dataFiles);
  const out = new Map<string, string[]>();
  for (const spec of specs) {
    const uses = testImports(spec.text, spec.path).filter((u) =>
      importCandidates(spec.path, u.specifier).some((c) => data.has(c)),
    );
    if (uses.length > 0)
      out.set(
        spec.path,
        uses.flatMap((u) => u.locals),
      );
  }
  return out;
}

/** A test of a data consumer that the data drives: its title is computed, or its body reads the data. */
function drivenByData(test: DeclaredTest, bindings: readonly string[]): boolean {
  return DYNAMIC_TITLE.test(test.name) || bindings.some((b) => test.body.includes(`:${b} `));
}

/**
 * Compares the tests of the changed test files on base and head. `consumers` (see {@link dataConsumers}) names
 * the unchanged files among them whose data changed: their data-driven tests are changed tests.
 */
export function diffTests(
  testFiles: readonly ChangedFile[],
  consumers: ReadonlyMap<string, readonly string[]> = new Map(),
): TestDiff {
  const base = byId(testFiles, 'before');
  const head = byId(testFiles, 'after');
  const candidates = new Set<string>();
  const integrity: Finding[] = [];
  for (const [id, now] of head) {
    const was = base.get(id);
    const bindings = consumers.get(now.file);
    if (was === undefined || was.syntax !== now.syntax) candidates.add(id);
    else if (bindings !== undefined && drivenByData(now, bindings)) candidates.add(id);
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
  const renamed = renames(base, head);
  const renamedFrom = new Set(renamed.map((r) => r.from));
  for (const [id, was] of base) {
    if (head.has(id) || renamedFrom.has(id)) continue;
    const fileGone = testFiles.some((f) => f.path === was.file && f.after === null);
    integrity.push({
      check: 'integrity',
      rule: 'test_deleted',
      file: was.file,
      testId: id,
      message: `${id} was deleted${fileGone ? ' (its file was removed)' : ''}`,
    });
  }
  return { candidates, head, base, integrity, renamed };
}

/**
 * Base tests gone from head paired with head tests new to it whose bodies are the same, one to one, same file
 * first: a changed title, describe or `test.failing` → `test` renames a test, it does not delete it.
 */
function renames(
  base: ReadonlyMap<string, DeclaredTest>,
  head: ReadonlyMap<string, DeclaredTest>,
): RenamedTest[] {
  const gone = [...base.values()].filter((t) => !head.has(t.id) && !t.body.startsWith('line '));
  const added = [...head.values()].filter((t) => !base.has(t.id));
  const out: RenamedTest[] = [];
  for (const was of gone) {
    const same = added.filter((t) => t.body === was.body);
    const now = same.find((t) => t.file === was.file) ?? same[0];
    if (now === undefined) continue;
    added.splice(added.indexOf(now), 1);
    out.push({ from: was.id, to: now.id });
  }
  return out;
}
