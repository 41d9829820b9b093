import type * as TS from 'typescript';
import { parseSource } from './behavior-change.js';
import { typescript } from './typescript-lazy.js';

const ts = new Proxy({} as typeof TS, {
  get: (_target, key: string) => (typescript() as unknown as Record<string, unknown>)[key],
});

/** One place where code tells a test run from a real one, or tampers with the assertions that judge it. */
export interface RunnerEnvHit {
  /** 1-based line in the file's new text. */
  line: number;
  what: string;
}

/** Environment variables only a test runner sets. */
export const RUNNER_ENV =
  /^(?:NODE_TEST_CONTEXT|VITEST(?:_\w+)?|JEST_WORKER_ID|PYTEST_CURRENT_TEST|MOCHA_\w+)$/;
/** Globals a test runner installs. */
const RUNNER_GLOBALS = new Set([
  'expect', 'describe', 'it', 'test', 'jest', 'vi', 'vitest', 'jasmine', 'suite', 'beforeEach', 'afterEach',
  'beforeAll', 'afterAll', '__vitest_worker__', '__vitest_environment__', '__vitest_browser__', '__vitest_index__',
]); // prettier-ignore
/** Test runners: production code has no business loading one. */
const RUNNER_MODULE = /^(?:node:test|vitest|@vitest\/.+|jest|@jest\/.+|mocha|ava|tap|uvu)$/;
/** Modules whose exports judge tests: production may use them, never patch them. */
const ASSERT_MODULE = /^(?:(?:node:)?assert(?:\/strict)?|expect|chai|should|power-assert|uvu\/assert)$/;
const judges = (from: string): boolean => RUNNER_MODULE.test(from) || ASSERT_MODULE.test(from);
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);
const MODULE_HOOKS = /(?:^|\.)(?:_load|_resolveFilename|_compile)$|prototype\.require$|^require\.cache\b/;
const PATCHING_CALLS =
  /^(?:Object\.(?:defineProperty|defineProperties|assign|setPrototypeOf)|Reflect\.(?:set|defineProperty))$/;
const STRING_TEST = new Set(['test', 'testing']);

/** The text of a string literal or a template without substitutions, else null. */
function stringValue(node: TS.Node): string | null {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : null;
}

/** The module a `require('x')` or `import('x')` call loads, else null. */
function loadedModule(node: TS.Node): string | null {
  if (!ts.isCallExpression(node) || node.arguments.length === 0) return null;
  const isLoader =
    node.expression.kind === ts.SyntaxKind.ImportKeyword ||
    (ts.isIdentifier(node.expression) && node.expression.text === 'require');
  return isLoader ? stringValue(node.arguments[0]!) : null;
}

/** The key an access reads: `a.KEY`, `a['KEY']`, or null. */
function accessedKey(node: TS.Node): string | null {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node)) return stringValue(node.argumentExpression);
  return null;
}

/** Strips parentheses, `await` and non-null assertions around an expression. */
function unwrap(node: TS.Expression): TS.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAwaitExpression(current) ||
    ts.isNonNullExpression(current)
  )
    current = current.expression;
  return current;
}

/**
 * Scans JavaScript or TypeScript for code that behaves differently under a test runner: reading its environment
 * variables, `NODE_ENV` compared with "test", its globals (typeof, through globalThis, or free references), importing
 * a runner or assertion module, and patching assertions or module loading. A string that merely mentions a name (a
 * log message) is not a hit; a string used as a key, an `in` operand or a lookup argument is.
 */
export function scanScript(text: string, fileName: string): RunnerEnvHit[] {
  const file = parseSource(text, fileName);
  const hits: RunnerEnvHit[] = [];
  const hit = (node: TS.Node, what: string): void => {
    hits.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, what });
  };
  const declared = new Set<string>();
  const assertNames = new Set(['assert', 'expect', 'chai', 'should']);
  const collect = (node: TS.Node): void => {
    const named = node as { name?: TS.Node };
    if (
      (ts.isVariableDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) ||
        ts.isParameter(node) || ts.isBindingElement(node) || ts.isImportSpecifier(node) ||
        ts.isImportClause(node) || ts.isNamespaceImport(node) || ts.isFunctionExpression(node)) &&
      named.name !== undefined && ts.isIdentifier(named.name)
    ) {
      declared.add(named.name.text);
      const from = ts.isVariableDeclaration(node) && node.initializer ? loadedModule(unwrap(node.initializer)) : null;
      if (from !== null && judges(from)) assertNames.add(named.name.text);
    }
    ts.forEachChild(node, collect);
  }; // prettier-ignore
  collect(file);
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const from = stringValue(statement.moduleSpecifier) ?? '';
    if (!judges(from)) continue;
    if (RUNNER_MODULE.test(from)) hit(statement.moduleSpecifier, `imports the test runner "${from}"`);
    const clause = statement.importClause;
    if (clause?.name) assertNames.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) assertNames.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings))
      bindings.elements.forEach((e) => assertNames.add(e.name.text));
  }

  /** True when `node` is, or is reached through, an assertion module or one of its names. */
  const isAssertion = (node: TS.Expression): boolean => {
    const base = unwrap(node);
    if (ts.isIdentifier(base)) return assertNames.has(base.text);
    const from = loadedModule(base);
    if (from !== null) return judges(from);
    if (ts.isPropertyAccessExpression(base) || ts.isElementAccessExpression(base))
      return isAssertion(base.expression);
    if (ts.isCallExpression(base)) return isAssertion(base.expression);
    return false;
  };
  const isNodeEnv = (node: TS.Expression): boolean => accessedKey(unwrap(node)) === 'NODE_ENV';

  const visit = (node: TS.Node): void => {
    const key = accessedKey(node);
    if (key !== null && RUNNER_ENV.test(key)) hit(node, `reads ${key}`);
    if (key !== null && RUNNER_GLOBALS.has(key)) {
      const base = unwrap((node as TS.PropertyAccessExpression).expression);
      if (ts.isIdentifier(base) && GLOBAL_OBJECTS.has(base.text)) hit(node, `reads the runner global ${key}`);
    }
    if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
      const name = node.propertyName ?? node.name;
      const text = ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : null;
      if (text !== null && RUNNER_ENV.test(text)) hit(node, `reads ${text}`);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const parent = node.parent;
      const looksUp =
        (ts.isBinaryExpression(parent) &&
          (parent.operatorToken.kind === ts.SyntaxKind.InKeyword ||
            isComparison(parent.operatorToken.kind))) ||
        (ts.isCallExpression(parent) && parent.arguments.includes(node) && !isLogging(parent.expression));
      if (looksUp && RUNNER_ENV.test(node.text)) hit(node, `looks up ${node.text}`);
      if (looksUp && RUNNER_GLOBALS.has(node.text) && ts.isBinaryExpression(parent)) {
        if (parent.operatorToken.kind === ts.SyntaxKind.InKeyword)
          hit(node, `looks up the runner global ${node.text}`);
      }
    }
    if (ts.isTypeOfExpression(node)) {
      const operand = unwrap(node.expression);
      if (ts.isIdentifier(operand) && RUNNER_GLOBALS.has(operand.text))
        hit(node, `checks typeof ${operand.text}`);
    }
    if (
      ts.isIdentifier(node) &&
      RUNNER_GLOBALS.has(node.text) &&
      isFreeReference(node) &&
      !declared.has(node.text)
    )
      hit(node, `uses the runner global ${node.text}`);
    if (ts.isBinaryExpression(node) && isComparison(node.operatorToken.kind)) {
      const [l, r] = [node.left, node.right];
      const other = isNodeEnv(l) ? r : isNodeEnv(r) ? l : null;
      const value = other === null ? null : stringValue(unwrap(other));
      if (value !== null && STRING_TEST.has(value)) hit(node, `compares NODE_ENV with "${value}"`);
    }
    if (ts.isSwitchStatement(node) && isNodeEnv(node.expression)) {
      for (const clause of node.caseBlock.clauses) {
        const value = ts.isCaseClause(clause) ? stringValue(clause.expression) : null;
        if (value !== null && STRING_TEST.has(value)) hit(clause, `switches on NODE_ENV "${value}"`);
      }
    }
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
      const target = unwrap(node.left);
      if (
        (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) &&
        isAssertion(target)
      )
        hit(node, `replaces the assertion ${target.getText(file)}`);
      if (MODULE_HOOKS.test(target.getText(file)))
        hit(node, `patches module loading (${target.getText(file)})`);
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(file);
      const first = node.arguments[0];
      if (PATCHING_CALLS.test(callee) && first !== undefined && isAssertion(first))
        hit(node, `patches an assertion with ${callee}`);
      const from = loadedModule(node);
      if (from !== null && RUNNER_MODULE.test(from)) hit(node, `loads the test runner "${from}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return hits;
}

function isComparison(kind: TS.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    kind === ts.SyntaxKind.EqualsEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsToken
  );
}

function isAssignment(kind: TS.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** `console.log("VITEST")` and friends only mention a name. */
function isLogging(callee: TS.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'console'
  );
}

/** An identifier read as a variable: not a property name, a declaration's name, a label or a type. */
function isFreeReference(node: TS.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (
    (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) &&
    parent.name === node
  )
    return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent)) return false;
  const named = parent as { name?: TS.Node };
  if (named.name === node && !ts.isShorthandPropertyAssignment(parent)) return false;
  return true;
}
