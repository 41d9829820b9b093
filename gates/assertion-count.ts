import type * as TS from 'typescript';
import { nodeSyntax } from './behavior-change.js';
import { analyzePythonTests } from './python-tests.js';
import { typescript } from './typescript-lazy.js';

// Loaded on first use: see typescript-lazy.ts.
const ts = new Proxy({} as typeof TS, {
  get: (_target, key: string) => (typescript() as unknown as Record<string, unknown>)[key],
});

/** A test declared in a source file, with how many assertion calls its body makes. */
export interface StaticTest {
  /** Describe names and the test name joined with ' > ', as in TestCase.name. */
  name: string;
  line: number;
  assertions: number;
  modifier: 'none' | 'skip' | 'only' | 'todo';
}
type Modifier = StaticTest['modifier'];

const TESTS: Record<string, Modifier> = {
  it: 'none',
  test: 'none',
  specify: 'none',
  xit: 'skip',
  xtest: 'skip',
  xspecify: 'skip',
  fit: 'only',
};
const SUITES: Record<string, Modifier> = {
  describe: 'none',
  context: 'none',
  suite: 'none',
  xdescribe: 'skip',
  xcontext: 'skip',
  fdescribe: 'only',
};
const PROP_MODIFIERS: Record<string, Modifier> = { skip: 'skip', skipIf: 'skip', todo: 'todo', only: 'only' };
// Properties that still declare a test (each, concurrent…) rather than a hook or a helper (before, macro…).
const TEST_PROPS = new Set([
  'each',
  'for',
  'runIf',
  'concurrent',
  'sequential',
  'serial',
  'failing',
  'fails',
  'shuffle',
  'skip',
  'skipIf',
  'todo',
  'only',
]);
// ava's assertions on the test context `t`; t.pass/t.fail assert nothing about the code under test.
const CONTEXT_ASSERTIONS = new Set([
  'is',
  'not',
  'deepEqual',
  'notDeepEqual',
  'like',
  'true',
  'false',
  'truthy',
  'falsy',
  'regex',
  'notRegex',
  'throws',
  'throwsAsync',
  'notThrows',
  'notThrowsAsync',
  'snapshot',
  'assert',
]);
const NO_EVIDENCE = new Set(['fail', 'pass', 'assertions', 'hasAssertions']);

/** `a.b.c(...)` as ['a', 'b', 'c'], seeing through calls in between (`test.each(table)`), or undefined. */
function chain(expr: TS.Expression): string[] | undefined {
  if (ts.isIdentifier(expr)) return [expr.text];
  if (ts.isPropertyAccessExpression(expr)) {
    const left = chain(expr.expression);
    return left && [...left, expr.name.text];
  }
  if (ts.isCallExpression(expr)) return chain(expr.expression);
  if (ts.isTaggedTemplateExpression(expr)) return chain(expr.tag);
  return undefined;
}

function isFunction(
  node: TS.Node | undefined,
): node is TS.ArrowFunction | TS.FunctionExpression | TS.FunctionDeclaration {
  return (
    node !== undefined &&
    (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node))
  );
}

interface Declared {
  kind: 'test' | 'suite';
  modifier: Modifier;
}

class Analyzer {
  readonly tests: StaticTest[] = [];
  private readonly functions = new Map<
    string,
    TS.ArrowFunction | TS.FunctionExpression | TS.FunctionDeclaration
  >();
  private readonly testAliases = new Set<string>();

  constructor(private readonly sf: TS.SourceFile) {
    for (const stmt of sf.statements) this.collectTopLevel(stmt);
  }

  /** Top-level functions (tests may pass one by name) and `const myTest = test.extend(…)` aliases. */
  private collectTopLevel(stmt: TS.Statement): void {
    if (ts.isFunctionDeclaration(stmt) && stmt.name !== undefined) this.functions.set(stmt.name.text, stmt);
    if (!ts.isVariableStatement(stmt)) return;
    for (const decl of stmt.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || decl.initializer === undefined) continue;
      if (isFunction(decl.initializer)) this.functions.set(decl.name.text, decl.initializer);
      const names = chain(decl.initializer);
      if (names?.at(-1) === 'extend' && names[0] !== undefined && names[0] in TESTS)
        this.testAliases.add(decl.name.text);
    }
  }

  private declared(call: TS.CallExpression, contexts: ReadonlySet<string>): Declared | undefined {
    const names = chain(call.expression);
    const [base, ...props] = names ?? [];
    if (base === undefined || call.arguments.length === 0) return undefined;
    if (contexts.has(base) && props.length === 1 && props[0] === 'test')
      return { kind: 'test', modifier: 'none' };
    const own = TESTS[base] ?? (this.testAliases.has(base) ? 'none' : undefined);
    const kind = own !== undefined ? 'test' : SUITES[base] !== undefined ? 'suite' : undefined;
    if (kind === undefined || !props.every((p) => TEST_PROPS.has(p))) return undefined;
    let modifier = own ?? SUITES[base] ?? 'none';
    for (const p of props) modifier = PROP_MODIFIERS[p] ?? modifier;
    return { kind, modifier: modifier === 'none' ? optionsModifier(call) : modifier };
  }

  private body(
    call: TS.CallExpression,
  ): TS.ArrowFunction | TS.FunctionExpression | TS.FunctionDeclaration | undefined {
    for (const arg of [...call.arguments].reverse()) {
      if (isFunction(arg)) return arg;
      if (ts.isIdentifier(arg) && this.functions.has(arg.text)) return this.functions.get(arg.text);
    }
    return undefined;
  }

  visit(node: TS.Node, suites: string[], inherited: Modifier, contexts: ReadonlySet<string>): void {
    const found = ts.isCallExpression(node) ? this.declared(node, contexts) : undefined;
    if (found === undefined || !ts.isCallExpression(node)) {
      ts.forEachChild(node, (child) => this.visit(child, suites, inherited, contexts));
      return;
    }
    const name = titleOf(node.arguments[0], this.sf);
    const modifier = found.modifier !== 'none' ? found.modifier : inherited;
    const fn = this.body(node);
    if (found.kind === 'suite') {
      if (fn?.body !== undefined) this.visit(fn.body, [...suites, name], modifier, contexts);
      return;
    }
    const line = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf)).line + 1;
    const param = fn?.parameters[0]?.name;
    const inner = new Set(contexts);
    if (param !== undefined && ts.isIdentifier(param)) inner.add(param.text);
    const assertions = fn?.body === undefined ? 0 : this.count(fn.body, inner);
    this.tests.push({ name: [...suites, name].join(' > '), line, assertions, modifier });
    // node:test subtests (t.test) are tests of their own, named under their parent.
    if (fn?.body !== undefined) this.visit(fn.body, [...suites, name], modifier, inner);
  }

  /** Distinct assertions: an exact repeat of one (formatting aside) checks nothing more. */
  private count(node: TS.Node, contexts: ReadonlySet<string>): number {
    const seen = new Set<string>();
    const visit = (n: TS.Node): void => {
      if (ts.isCallExpression(n) && this.declared(n, contexts) !== undefined) return;
      if (isAssertion(n, contexts)) seen.add(nodeSyntax(chainTop(n)));
      ts.forEachChild(n, visit);
    };
    visit(node);
    return seen.size;
  }
}

function isAssertion(node: TS.Node, contexts: ReadonlySet<string>): boolean {
  // x.should.equal(1), x.should.be.true: one `should` per chain.
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'should')
    return ts.isPropertyAccessExpression(node.parent);
  if (!ts.isCallExpression(node)) return false;
  const names = chain(node.expression);
  const [root, ...rest] = names ?? [];
  if (root === undefined || (rest.length > 0 && NO_EVIDENCE.has(rest.at(-1) ?? ''))) return false;
  // expect(x) counts once, when a matcher or chai property follows it.
  if (root === 'expect')
    return (rest.length === 0 || rest[0] === 'soft' || rest[0] === 'poll') && isChained(node);
  if (root === 'assert' || root === 'should') return true;
  if (rest.length === 0) return /^(?:assert|expect)[A-Z_]/.test(root);
  if (contexts.has(root)) return CONTEXT_ASSERTIONS.has(rest[0] ?? '');
  // sinon.assert.calledOnce(…), chai.assert.equal(…)
  return rest.slice(0, -1).includes('assert');
}

/** The whole chain an assertion starts (`x.should.equal(1)` from `x.should`), which holds what it checks. */
function chainTop(node: TS.Node): TS.Node {
  let top = node;
  while (
    (ts.isPropertyAccessExpression(top.parent) || ts.isCallExpression(top.parent)) &&
    top.parent.expression === top
  )
    top = top.parent;
  return top;
}

function isChained(call: TS.CallExpression): boolean {
  return ts.isPropertyAccessExpression(call.parent) && call.parent.expression === call;
}

/** node:test options `{ skip: true }`, `{ todo: 'why' }`, `{ only: true }` in any argument. */
function optionsModifier(call: TS.CallExpression): Modifier {
  for (const arg of call.arguments) {
    if (!ts.isObjectLiteralExpression(arg)) continue;
    for (const prop of arg.properties) {
      if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name)) continue;
      const on = prop.initializer.kind === ts.SyntaxKind.TrueKeyword || ts.isStringLiteral(prop.initializer);
      const mod = PROP_MODIFIERS[prop.name.text];
      if (on && mod !== undefined) return mod;
    }
  }
  return 'none';
}

/**
 * A test's title as written: literal text as is; a title computed at run time keeps its literal parts and marks
 * each computed part `${…}` (a template's own parts, or the operands of a `+` concatenation), so the titles a
 * runner prints for data-driven tests can be matched against it (see src/ci/red-judge.ts `titlePattern`).
 */
function titleOf(arg: TS.Expression | undefined, sf: TS.SourceFile): string {
  if (arg === undefined) return '';
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isTemplateExpression(arg)) return arg.getText(sf).slice(1, -1);
  if (ts.isParenthesizedExpression(arg)) return titleOf(arg.expression, sf);
  if (ts.isBinaryExpression(arg) && arg.operatorToken.kind === ts.SyntaxKind.PlusToken)
    return `${titleOf(arg.left, sf)}${titleOf(arg.right, sf)}`;
  return '${…}';
}

function scriptKind(fileName: string): TS.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(fileName)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

/**
 * The tests a JS/TS test file declares (it/test/describe and their .skip/.only/.todo/.each forms, xit,
 * node:test's test()/it() with options and t.test subtests, ava's test()), each with the number of
 * assertion calls in its body: expect(…) chains, assert(…)/assert.*(…), t.is/t.deepEqual/… and `should`.
 */
export function analyzeTestSource(source: string, fileName: string): StaticTest[] {
  if (/\.py$/.test(fileName)) return analyzePythonTests(source);
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  const analyzer = new Analyzer(sf);
  analyzer.visit(sf, [], 'none', new Set());
  return analyzer.tests;
}
