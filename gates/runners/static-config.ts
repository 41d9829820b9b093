import type * as TS from 'typescript';
import { typescript } from '../typescript-lazy.js';

/** A value that cannot be known without running the file (a call, a variable from elsewhere, a spread…). */
export const UNREADABLE: unique symbol = Symbol('unreadable');

/** A configuration value read from source text without running it. */
export type StaticValue =
  string | number | boolean | null | StaticValue[] | { [key: string]: StaticValue } | typeof UNREADABLE;

type Scope = Map<string, TS.Expression>;

function unwrap(ts: typeof TS, node: TS.Expression): TS.Expression {
  if (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  )
    return unwrap(ts, node.expression);
  return node;
}

function valueOf(ts: typeof TS, raw: TS.Expression, scope: Scope, depth: number): StaticValue {
  const node = unwrap(ts, raw);
  if (depth > 20) return UNREADABLE;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isIdentifier(node)) {
    const bound = scope.get(node.text);
    return bound === undefined ? UNREADABLE : valueOf(ts, bound, scope, depth + 1);
  }
  if (ts.isArrayLiteralExpression(node))
    return node.elements.map((e) => (ts.isSpreadElement(e) ? UNREADABLE : valueOf(ts, e, scope, depth + 1)));
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, StaticValue> = {};
    for (const prop of node.properties) {
      if (ts.isPropertyAssignment(prop)) {
        const key =
          ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) || ts.isNumericLiteral(prop.name)
            ? prop.name.text
            : undefined;
        if (key !== undefined) out[key] = valueOf(ts, prop.initializer, scope, depth + 1);
      } else if (ts.isShorthandPropertyAssignment(prop)) {
        out[prop.name.text] = valueOf(ts, prop.name, scope, depth + 1);
      }
    }
    return out;
  }
  // defineConfig({...}) and similar identity helpers: the first argument is the configuration.
  if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isIdentifier(node.expression)) {
    if (/^define\w*Config$/.test(node.expression.text))
      return valueOf(ts, node.arguments[0]!, scope, depth + 1);
  }
  return UNREADABLE;
}

/**
 * The configuration a JS/TS config file exports (`export default`, `module.exports =`), read from its syntax:
 * literals, arrays, objects, top-level constants and `defineConfig(...)`. Anything computed is UNREADABLE.
 */
export function staticExport(source: string, fileName: string): StaticValue {
  const ts = typescript();
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const scope: Scope = new Map();
  let exported: TS.Expression | undefined;
  for (const statement of sf.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations)
        if (ts.isIdentifier(decl.name) && decl.initializer !== undefined)
          scope.set(decl.name.text, decl.initializer);
    } else if (ts.isExportAssignment(statement)) {
      exported = statement.expression;
    } else if (
      ts.isExpressionStatement(statement) &&
      ts.isBinaryExpression(statement.expression) &&
      statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      statement.expression.left.getText(sf) === 'module.exports'
    ) {
      exported = statement.expression.right;
    }
  }
  return exported === undefined ? UNREADABLE : valueOf(ts, exported, scope, 0);
}

/** The value at a key path, or undefined when a step is missing (UNREADABLE when a step cannot be read). */
export function valueAt(value: StaticValue | undefined, ...path: string[]): StaticValue | undefined {
  let node: StaticValue | undefined = value;
  for (const key of path) {
    if (node === UNREADABLE) return UNREADABLE;
    if (node === undefined || node === null || typeof node !== 'object' || Array.isArray(node))
      return undefined;
    node = node[key];
  }
  return node;
}

/** A string or a list of strings; null when absent, UNREADABLE when present but not literal. */
export function stringList(value: StaticValue | undefined): string[] | null | typeof UNREADABLE {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  return UNREADABLE;
}

/** Parses JSON or JSON with comments and trailing commas (.mocharc.jsonc, tsconfig-style files). */
export function looseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const ts = typescript();
    const parsed = ts.parseConfigFileTextToJson('config.json', text);
    return parsed.error === undefined ? (parsed.config as unknown) : undefined;
  }
}
