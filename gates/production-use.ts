import type * as TS from 'typescript';
import type { TestReport } from '../src/core/report.js';
import { parseSource } from './behavior-change.js';
import { importCandidates } from './module-syntax.js';
import { parseFrames } from './stack-frames.js';
import { typescript } from './typescript-lazy.js';

// Loaded on first use (see typescript-lazy.ts): the CLI must not pay for the compiler at start.
const ts = new Proxy({} as typeof TS, {
  get: (_target, key: string) => (typescript() as unknown as Record<string, unknown>)[key],
});

/** The rule, as verdicts name it. */
export const PRODUCTION_VALUE_RULE =
  'a failing assertion counts as RED evidence only if it checks a value that production code computed';

const JS_TS = /\.[cm]?[jt]sx?$/;
// A string naming a source file the test runs (`node bin/cli.js`, `new URL('../src/a.js', …)`).
const SOURCE_PATH = /[\w.-]+\/[\w./-]*\.[cm]?[jt]sx?\b|^\.{1,2}\/[\w./-]*\.[cm]?[jt]sx?$/;

/** Names bound by a declaration's name: `x`, `{ a, b: c }`, `[d, ...e]`. */
function boundNames(name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : boundNames(el.name)));
}

function uses(node: TS.Node, derived: ReadonlySet<string>, isTestFile: (p: string) => boolean): boolean {
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && derived.has(n.text)) found = true;
    else if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && SOURCE_PATH.test(n.text)) {
      const path = SOURCE_PATH.exec(n.text)?.[0] ?? '';
      found = !isTestFile(path.replace(/^(?:\.{1,2}\/)+/, ''));
    } else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/**
 * Local names that hold production values: bindings imported from relative modules (production code, or a
 * helper that may call it), then, to a fixed point, variables, loop bindings, assignments and functions computed
 * from them, and parameters of callbacks handed to them.
 */
function productionNames(sf: TS.SourceFile, file: string, isTestFile: (p: string) => boolean): Set<string> {
  const derived = new Set<string>();
  const relative = (spec: TS.Expression | undefined) =>
    spec !== undefined && ts.isStringLiteral(spec) && importCandidates(file, spec.text).length > 0;
  const rules: Array<(n: TS.Node) => string[]> = [
    (n) => {
      if (!ts.isImportDeclaration(n) || !relative(n.moduleSpecifier)) return [];
      const clause = n.importClause;
      const named = clause?.namedBindings;
      return [
        ...(clause?.name ? [clause.name.text] : []),
        ...(named === undefined
          ? []
          : ts.isNamespaceImport(named)
            ? [named.name.text]
            : named.elements.map((e) => e.name.text)),
      ];
    },
    (n) => {
      if (!ts.isVariableDeclaration(n) || n.initializer === undefined) return [];
      const init = n.initializer;
      const required =
        ts.isCallExpression(init) &&
        ts.isIdentifier(init.expression) &&
        init.expression.text === 'require' &&
        relative(init.arguments[0]);
      return required || uses(init, derived, isTestFile) ? boundNames(n.name) : [];
    },
    (n) => {
      if (!(ts.isForOfStatement(n) || ts.isForInStatement(n)) || !uses(n.expression, derived, isTestFile))
        return [];
      const init = n.initializer;
      return ts.isVariableDeclarationList(init) ? init.declarations.flatMap((d) => boundNames(d.name)) : [];
    },
    (n) =>
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isIdentifier(n.left) &&
      uses(n.right, derived, isTestFile)
        ? [n.left.text]
        : [],
    (n) =>
      ts.isFunctionDeclaration(n) &&
      n.name !== undefined &&
      n.body !== undefined &&
      uses(n.body, derived, isTestFile)
        ? [n.name.text]
        : [],
    (n) => {
      if (!ts.isCallExpression(n) || !uses(n.expression, derived, isTestFile)) return [];
      return n.arguments.flatMap((a) =>
        ts.isArrowFunction(a) || ts.isFunctionExpression(a)
          ? a.parameters.flatMap((p) => boundNames(p.name))
          : [],
      );
    },
  ];
  let size = -1;
  while (size !== derived.size) {
    size = derived.size;
    const visit = (n: TS.Node): void => {
      for (const rule of rules) for (const name of rule(n)) derived.add(name);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return derived;
}

/** The innermost statements that span a 1-based line. */
function statementsAt(sf: TS.SourceFile, line: number): TS.Statement[] {
  const out: TS.Statement[] = [];
  const visit = (n: TS.Node): void => {
    const start = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const end = sf.getLineAndCharacterOfPosition(n.getEnd()).line + 1;
    if (line < start || line > end) return;
    const before = out.length;
    ts.forEachChild(n, visit);
    if (out.length === before && ts.isStatement(n) && !ts.isBlock(n)) out.push(n);
  };
  visit(sf);
  return out;
}

/**
 * New tests whose assertion failure involves no production value, each with the statement it failed at: every
 * frame of its stack in its own file points at a statement that uses nothing computed by production code
 * (`assert.fail()`, `assert.ok(existsSync('src/FIXED'))`). A test is left out — not judged — when its stack names
 * no line of its file, its file is not JS/TS, or it imports no relative module (it may import the project by name).
 */
export function unrelatedFailures(
  report: TestReport,
  isNew: (id: string) => boolean,
  sources: Readonly<Record<string, string>>,
  isTestFile: (path: string) => boolean,
): Record<string, string> {
  const out: Record<string, string> = {};
  const parsed = new Map<string, { sf: TS.SourceFile; derived: Set<string> }>();
  for (const test of report.tests) {
    const source = sources[test.file];
    if (!isNew(test.id) || test.state !== 'failed' || test.failure?.class !== 'assertion') continue;
    if (source === undefined || !JS_TS.test(test.file)) continue;
    const lines = parseFrames(test.failure.stack ?? '')
      .filter(
        (f) =>
          f.file
            .replace(/^file:\/\//, '')
            .replace(/[?#].*$/, '')
            .endsWith(`/${test.file}`) || f.file === test.file,
      )
      .map((f) => f.line);
    if (lines.length === 0) continue;
    if (!parsed.has(test.file)) {
      const sf = parseSource(source, test.file);
      parsed.set(test.file, { sf, derived: productionNames(sf, test.file, isTestFile) });
    }
    const { sf, derived } = parsed.get(test.file)!;
    if (derived.size === 0) continue;
    const at = lines.flatMap((l) => statementsAt(sf, l));
    if (at.length === 0 || at.some((s) => uses(s, derived, isTestFile))) continue;
    out[test.id] = at[0]!.getText(sf).replace(/\s+/g, ' ').slice(0, 200);
  }
  return out;
}
