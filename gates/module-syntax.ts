import { posix } from 'node:path';
import type * as TS from 'typescript';
import { parseSource } from './behavior-change.js';
import { typescript } from './typescript-lazy.js';

// Loaded on first use (see typescript-lazy.ts): the CLI must not pay for the compiler at start.
const ts = new Proxy({} as typeof TS, {
  get: (_target, key: string) => (typescript() as unknown as Record<string, unknown>)[key],
});

/** What a module-level symbol is, which decides its stub. */
export type SymbolKind = 'function' | 'class' | 'value';

/** A method or getter of a class, stubbed so `new X().m()` can reach an assertion. */
export interface Member {
  name: string;
  static: boolean;
  getter: boolean;
}

/** A declared symbol's kind and, for a class, its members. */
export interface Declared {
  kind: SymbolKind;
  members: Member[];
}
/** What a module exports and declares at top level, and how it is written. */
export interface ModuleShape {
  exports: Map<string, Declared>;
  locals: Map<string, Declared>;
  /** `export * from`: any name may come from elsewhere. */
  star: boolean;
  format: 'esm' | 'cjs' | undefined;
}
/** One import of a test file: the specifier, its style and the names taken from it. */
export interface ImportUse {
  specifier: string;
  style: 'esm' | 'cjs';
  /** Imported name → how the test uses it (called, constructed), when it can tell. */
  names: Map<string, SymbolKind | undefined>;
  /** The local names the import binds. */
  locals: string[];
  /** The names are members of a default import: a module's exports only when it is CommonJS. */
  viaDefault: boolean;
}

const EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.mts', '.cts', '.jsx', '.tsx'];

function nameText(name: TS.Node | undefined): string | undefined {
  return name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
}

function membersOf(node: TS.ClassLikeDeclaration): Member[] {
  return node.members.flatMap((m) => {
    const name = nameText(m.name);
    if (name === undefined || !(ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m))) return [];
    const isStatic = ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword) ?? false;
    return [{ name, static: isStatic, getter: ts.isGetAccessorDeclaration(m) }];
  });
}

function declaredBy(expr: TS.Expression | undefined, locals: Map<string, Declared>): Declared {
  if (expr !== undefined && (ts.isArrowFunction(expr) || ts.isFunctionExpression(expr)))
    return { kind: 'function', members: [] };
  if (expr !== undefined && ts.isClassExpression(expr)) return { kind: 'class', members: membersOf(expr) };
  if (expr !== undefined && ts.isIdentifier(expr))
    return locals.get(expr.text) ?? { kind: 'value', members: [] };
  return { kind: 'value', members: [] };
}

function hasModifier(node: TS.Node, which: 'export' | 'default' | 'declare'): boolean {
  const kind = {
    export: ts.SyntaxKind.ExportKeyword,
    default: ts.SyntaxKind.DefaultKeyword,
    declare: ts.SyntaxKind.DeclareKeyword,
  }[which];
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

function isExported(node: TS.Node): boolean {
  return hasModifier(node, 'export');
}

function isModuleExports(expr: TS.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(expr) &&
    nameText(expr.expression) === 'module' &&
    expr.name.text === 'exports'
  );
}

/** What a production module exports (ESM or CommonJS) and declares at top level. */
export function moduleShape(source: string, file: string): ModuleShape {
  const sf = parseSource(source, file);
  const shape: ModuleShape = { exports: new Map(), locals: new Map(), star: false, format: undefined };
  const { exports, locals } = shape;
  for (const stmt of sf.statements) {
    // Ambient declarations and overload signatures name nothing that exists at run time.
    if (hasModifier(stmt, 'declare')) continue;
    if (ts.isFunctionDeclaration(stmt) && stmt.name && stmt.body)
      locals.set(stmt.name.text, { kind: 'function', members: [] });
    if (ts.isClassDeclaration(stmt) && stmt.name)
      locals.set(stmt.name.text, { kind: 'class', members: membersOf(stmt) });
    if (ts.isVariableStatement(stmt))
      for (const d of stmt.declarationList.declarations)
        if (ts.isIdentifier(d.name)) locals.set(d.name.text, declaredBy(d.initializer, locals));
  }
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) || ts.isExportAssignment(stmt)) shape.format = 'esm';
    if (isExported(stmt)) {
      shape.format = 'esm';
      // Types and ambient declarations export nothing at run time; a default export is named "default".
      if (ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt) || hasModifier(stmt, 'declare'))
        continue;
      if (hasModifier(stmt, 'default')) {
        exports.set('default', { kind: 'value', members: [] });
        continue;
      }
      const names = ts.isVariableStatement(stmt)
        ? stmt.declarationList.declarations.map((d) => nameText(d.name))
        : [nameText((stmt as TS.DeclarationStatement).name)];
      for (const name of names)
        if (name !== undefined) exports.set(name, locals.get(name) ?? { kind: 'value', members: [] });
    } else if (ts.isExportDeclaration(stmt) && !stmt.isTypeOnly) {
      shape.format = 'esm';
      const clause = stmt.exportClause;
      if (clause === undefined) shape.star = true;
      else if (ts.isNamespaceExport(clause)) exports.set(clause.name.text, { kind: 'value', members: [] });
      else
        for (const el of clause.elements.filter((e) => !e.isTypeOnly)) {
          const local = stmt.moduleSpecifier ? undefined : locals.get((el.propertyName ?? el.name).text);
          exports.set(el.name.text, local ?? { kind: 'value', members: [] });
        }
    } else if (ts.isExpressionStatement(stmt) && ts.isBinaryExpression(stmt.expression)) {
      const { left, right, operatorToken } = stmt.expression;
      if (operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isPropertyAccessExpression(left)) continue;
      if (nameText(left.expression) === 'exports' || isModuleExports(left.expression)) {
        shape.format ??= 'cjs';
        exports.set(left.name.text, declaredBy(right, locals));
      } else if (isModuleExports(left)) {
        shape.format ??= 'cjs';
        if (ts.isObjectLiteralExpression(right))
          for (const p of right.properties) {
            const name = nameText(p.name);
            if (name === undefined) continue;
            const init = ts.isPropertyAssignment(p)
              ? p.initializer
              : ts.isShorthandPropertyAssignment(p)
                ? p.name
                : undefined;
            exports.set(
              name,
              ts.isMethodDeclaration(p) ? { kind: 'function', members: [] } : declaredBy(init, locals),
            );
          }
      }
    }
  }
  return shape;
}

/** How `expr` (a use of an imported symbol) is used: constructed, called, or otherwise. */
function usage(expr: TS.Node): SymbolKind | undefined {
  const parent = expr.parent;
  if (ts.isNewExpression(parent) && parent.expression === expr) return 'class';
  if (ts.isCallExpression(parent) && parent.expression === expr) return 'function';
  return undefined;
}

function requireOrImport(
  expr: TS.Expression | undefined,
): { specifier: string; style: 'esm' | 'cjs' } | undefined {
  const call = expr !== undefined && ts.isAwaitExpression(expr) ? expr.expression : expr;
  if (
    call === undefined ||
    !ts.isCallExpression(call) ||
    !call.arguments[0] ||
    !ts.isStringLiteral(call.arguments[0])
  )
    return undefined;
  if (call.expression.kind === ts.SyntaxKind.ImportKeyword)
    return { specifier: call.arguments[0].text, style: 'esm' };
  if (nameText(call.expression) === 'require') return { specifier: call.arguments[0].text, style: 'cjs' };
  return undefined;
}

/** The imports of a test file and the names it takes from each (named, namespace, require, import()). */
export function testImports(source: string, file: string): ImportUse[] {
  const sf = parseSource(source, file);
  const uses: ImportUse[] = [];
  // Local binding → the name it imports; namespace object (import * as, const m = require()) → its names.
  const bound = new Map<string, { names: ImportUse['names']; imported: string }>();
  const namespaces = new Map<string, ImportUse['names']>();
  const add = (specifier: string, style: 'esm' | 'cjs', viaDefault = false): ImportUse => {
    const use: ImportUse = { specifier, style, names: new Map(), locals: [], viaDefault };
    uses.push(use);
    return use;
  };
  const bind = (use: ImportUse, imported: string | undefined, local: string | undefined) => {
    if (imported === undefined || local === undefined) return;
    use.names.set(imported, undefined);
    use.locals.push(local);
    bound.set(local, { names: use.names, imported });
  };
  const namespace = (use: ImportUse, local: string) => {
    use.locals.push(local);
    namespaces.set(local, use.names);
  };
  const collect = (node: TS.Node): void => {
    const source = ts.isVariableDeclaration(node) ? requireOrImport(node.initializer) : undefined;
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (node.importClause?.isTypeOnly) return;
      const use = add(node.moduleSpecifier.text, 'esm');
      // `import calc from`: calc.newFn() names a member of the default export.
      const name = node.importClause?.name;
      if (name !== undefined) namespace(add(node.moduleSpecifier.text, 'esm', true), name.text);
      const named = node.importClause?.namedBindings;
      if (named !== undefined && ts.isNamespaceImport(named)) namespace(use, named.name.text);
      else
        for (const el of named?.elements.filter((e) => !e.isTypeOnly) ?? [])
          bind(use, (el.propertyName ?? el.name).text, el.name.text);
    } else if (source !== undefined && ts.isVariableDeclaration(node)) {
      const use = add(source.specifier, source.style);
      if (ts.isIdentifier(node.name)) namespace(use, node.name.text);
      else if (ts.isObjectBindingPattern(node.name))
        for (const el of node.name.elements)
          bind(use, nameText(el.propertyName ?? el.name), nameText(el.name));
    } else if (ts.isPropertyAccessExpression(node) && requireOrImport(node.expression)) {
      const direct = requireOrImport(node.expression)!;
      add(direct.specifier, direct.style).names.set(node.name.text, usage(node));
    }
    ts.forEachChild(node, collect);
  };
  const refine = (node: TS.Node): void => {
    if (ts.isIdentifier(node) && bound.has(node.text) && usage(node) !== undefined) {
      const { names, imported } = bound.get(node.text)!;
      names.set(imported, usage(node));
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const names = namespaces.get(node.expression.text);
      names?.set(node.name.text, usage(node) ?? names.get(node.name.text));
    }
    ts.forEachChild(node, refine);
  };
  collect(sf);
  refine(sf);
  return uses;
}

/**
 * Repo paths a relative import from `fromFile` may name (`./calc.js` may be calc.ts; `'..'`, `'./'` and
 * `'../index'` a folder's index file); [] for packages.
 */
export function importCandidates(fromFile: string, specifier: string): string[] {
  if (!/^\.\.?(?:\/|$)/.test(specifier)) return [];
  const joined = posix.normalize(posix.join(posix.dirname(fromFile), specifier)).replace(/\/+$/, '');
  if (joined === '.' || joined === '') return EXTENSIONS.map((e) => `index${e}`);
  const ext = posix.extname(joined);
  if (EXTENSIONS.includes(ext)) {
    const stem = joined.slice(0, -ext.length);
    return [joined, `${stem}${ext.replace('js', 'ts')}`, ...(ext === '.js' ? [`${stem}.tsx`] : [])];
  }
  return [joined, ...EXTENSIONS.map((e) => joined + e), ...EXTENSIONS.map((e) => `${joined}/index${e}`)];
}
