import type * as TS from 'typescript';
import type { PathKind } from '../src/policy/path-kinds.js';
import { testConfigPart } from './lock-scope.js';
import { typescript } from './typescript-lazy.js';

// Loaded on first use (see typescript-lazy.ts): the CLI must not pay for the compiler at start.
const ts = new Proxy({} as typeof TS, {
  get: (_target, key: string) => (typescript() as unknown as Record<string, unknown>)[key],
});

/** What a changed file is, for deciding whether a pull request needs RED evidence. */
export type ChangeCategory = 'test' | 'test_config' | 'dependency' | 'production' | 'non_code';

/** How git changed a file: added, modified or deleted (renames are seen as a delete and an add). */
export type ChangeStatus = 'added' | 'modified' | 'deleted';

/** One changed file, judged. */
export interface ClassifiedChange {
  path: string;
  status: ChangeStatus;
  category: ChangeCategory;
  behaviorChanging: boolean;
  /** Why, in a few words: "runtime syntax changed", "comments, formatting or types only"… */
  reason: string;
}

const DEPENDENCY_FILES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'bun.lock',
  'bun.lockb',
  '.npmrc',
  '.yarnrc.yml',
  'Pipfile',
  'Pipfile.lock',
  'pyproject.toml',
  'poetry.lock',
  'uv.lock',
  'setup.py',
  'go.mod',
  'go.sum',
  'Cargo.toml',
  'Cargo.lock',
  'Gemfile',
  'Gemfile.lock',
  'composer.json',
  'composer.lock',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
]);
const DEPENDENCY_PATTERN = /^requirements[\w.-]*\.(?:txt|in)$/;
const NON_CODE_EXT =
  /\.(?:md|mdx|markdown|txt|rst|adoc|png|jpe?g|gif|svg|webp|ico|bmp|avif|pdf|woff2?|ttf|eot|otf)$/i;
const NON_CODE_NAMES =
  /^(?:LICEN[CS]E|COPYING|AUTHORS|CONTRIBUTORS|CHANGELOG|CHANGES|NOTICE|CODEOWNERS)(?:\.|$)/i;
const NON_CODE_DOTFILES = new Set(['.gitignore', '.gitattributes', '.editorconfig', '.mailmap']);
const JS_TS = /\.(?:[cm]?[jt]sx?)$/;
/** The agentctl policy file decides what counts as a test, so changing it is treated like test config. */
const POLICY_FILE = 'agentctl.config.json';

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The category of a path, from its name alone; `kindOf` is the config's test/test-config classifier. */
export function categorize(path: string, kindOf: (path: string) => PathKind): ChangeCategory {
  const name = baseName(path);
  const kind = kindOf(path);
  if (kind === 'test_config' || path === POLICY_FILE) return 'test_config';
  if (kind === 'test') return 'test';
  if (DEPENDENCY_FILES.has(name) || DEPENDENCY_PATTERN.test(name)) return 'dependency';
  if (NON_CODE_EXT.test(name) || NON_CODE_NAMES.test(name) || NON_CODE_DOTFILES.has(name)) return 'non_code';
  return 'production';
}

/**
 * package.json fields that describe the package without changing what it installs or runs. Anything else
 * (dependencies, main, exports, bin, type, engines, scripts, an unknown field) counts as a behavior change.
 */
const PACKAGE_METADATA = new Set([
  'version',
  'description',
  'keywords',
  'homepage',
  'bugs',
  'repository',
  'funding',
  'author',
  'contributors',
  'maintainers',
  'license',
  'private',
  'publishConfig',
  'files',
  'xo',
  'prettier',
  'eslintConfig',
]);

/** True when two package.json texts differ only in metadata fields (both must parse as objects). */
function onlyMetadataChanged(before: string | null, after: string | null): boolean {
  const parse = (text: string | null): Record<string, unknown> | null => {
    try {
      const value = JSON.parse(text ?? '') as unknown;
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  };
  const a = parse(before);
  const b = parse(after);
  if (a === null || b === null) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => PACKAGE_METADATA.has(k) || JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** Judges one changed file; `before`/`after` are its contents on base and head (null when absent). */
export function classifyChange(
  change: { path: string; status: ChangeStatus; before: string | null; after: string | null },
  kindOf: (path: string) => PathKind,
): ClassifiedChange {
  // package.json runner keys and pyproject's pytest tables configure tests though the file as a whole does not.
  const partChanged =
    testConfigPart(change.path, change.before) !== testConfigPart(change.path, change.after);
  const category = partChanged ? 'test_config' : categorize(change.path, kindOf);
  const judged = (behaviorChanging: boolean, reason: string): ClassifiedChange => ({
    path: change.path,
    status: change.status,
    category,
    behaviorChanging,
    reason,
  });
  switch (category) {
    case 'non_code':
      return judged(false, 'not code');
    case 'test':
      return judged(false, 'a test file: the evidence, checked for integrity');
    case 'test_config':
      return judged(
        true,
        partChanged
          ? 'changes how tests run (runner, script or transpiler settings): counts as test configuration'
          : 'test configuration always counts as a behavior change',
      );
    case 'dependency':
      if (baseName(change.path) === 'package.json' && onlyMetadataChanged(change.before, change.after))
        return judged(false, 'package metadata only (version, description, keywords, links…)');
      return judged(true, 'dependency manifests and lockfiles always count as a behavior change');
    case 'production':
      break;
  }
  if (!JS_TS.test(change.path)) return judged(true, 'production code (not JS/TS: any change counts)');
  if (/\.d\.[cm]?ts$/.test(change.path)) return judged(false, 'type declarations only');
  // An absent file is an empty one: a new file holding only types runs nothing.
  const before = runtimeSyntax(change.before ?? '', change.path);
  const after = runtimeSyntax(change.after ?? '', change.path);
  if (before === null || after === null) return judged(true, 'does not parse, so cannot be shown unchanged');
  return before === after
    ? judged(false, 'comments, formatting or types only')
    : judged(true, 'runtime syntax changed');
}

/** The script kind the TypeScript parser needs for a file name. */
export function scriptKindOf(fileName: string): TS.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(fileName)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

/** Parses JS/TS source with the TypeScript compiler, with parent links. */
export function parseSource(source: string, fileName: string): TS.SourceFile {
  return ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
}

/**
 * A serialization of the file's syntax tree with everything that cannot change what runs removed: comments and
 * formatting (never in the tree), parentheses (the tree already holds precedence), and type-only syntax —
 * annotations, interfaces, type aliases, `import type`, `as`/`satisfies` casts, `!`, generics, overloads,
 * `declare`, member accessibility. Null when the source has syntax errors.
 */
export function runtimeSyntax(source: string, fileName: string): string | null {
  const sf = parseSource(source, fileName);
  const diagnostics = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  if (diagnostics.length > 0) return null;
  const out: string[] = [];
  serialize(sf, out);
  return out.join(' ');
}

/** The same serialization for one node (used to tell whether a test's body changed). */
export function nodeSyntax(node: TS.Node): string {
  const out: string[] = [];
  serialize(node, out);
  return out.join(' ');
}

let typeOnlyMemberModifiers: Set<TS.SyntaxKind> | undefined;

/** Modifiers that only type-check a class member (computed on first use, as the compiler loads lazily). */
function typeOnlyMemberModifier(kind: TS.SyntaxKind): boolean {
  typeOnlyMemberModifiers ??= new Set([
    ts.SyntaxKind.PublicKeyword,
    ts.SyntaxKind.PrivateKeyword,
    ts.SyntaxKind.ProtectedKeyword,
    ts.SyntaxKind.ReadonlyKeyword,
    ts.SyntaxKind.AbstractKeyword,
    ts.SyntaxKind.OverrideKeyword,
  ]);
  return typeOnlyMemberModifiers.has(kind);
}

function hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

/** Nodes that emit nothing at run time. */
function isTypeOnly(node: TS.Node): boolean {
  if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return true;
  if (
    ts.isTypeParameterDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isIndexSignatureDeclaration(node) ||
    node.kind === ts.SyntaxKind.QuestionToken ||
    node.kind === ts.SyntaxKind.ExclamationToken
  )
    return true;
  if (hasModifier(node, ts.SyntaxKind.DeclareKeyword)) return true;
  // An abstract class runs; its abstract members do not.
  if (hasModifier(node, ts.SyntaxKind.AbstractKeyword)) return !ts.isClassDeclaration(node);
  // Overload signatures have no body; the implementation carries the behavior.
  if (
    (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node)) &&
    !node.body
  )
    return true;
  if (ts.isParameter(node) && ts.isIdentifier(node.name) && node.name.text === 'this') return true;
  if (ts.isImportDeclaration(node)) return node.importClause?.isTypeOnly === true;
  if (ts.isExportDeclaration(node) || ts.isImportSpecifier(node) || ts.isExportSpecifier(node))
    return node.isTypeOnly;
  if (ts.isHeritageClause(node)) return node.token === ts.SyntaxKind.ImplementsKeyword;
  // `private x` on a constructor parameter declares a field; on a class member it is only a type check.
  if (typeOnlyMemberModifier(node.kind)) return !ts.isParameter(node.parent);
  return false;
}

/** Wrappers whose inner expression alone is what runs. */
function unwrap(node: TS.Node): TS.Node {
  if (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isExpressionWithTypeArguments(node)
  )
    return unwrap(node.expression);
  return node;
}

/** Text a node carries outside its children: names, literals, operators and let/const. */
function payload(node: TS.Node): string | undefined {
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
  if (
    ts.isLiteralExpression(node) ||
    ts.isTemplateHead(node) ||
    ts.isTemplateMiddle(node) ||
    ts.isTemplateTail(node) ||
    ts.isJsxText(node)
  )
    return JSON.stringify(node.text);
  if (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) return String(node.operator);
  if (ts.isVariableDeclarationList(node))
    return String(node.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using));
  if (ts.isMetaProperty(node)) return String(node.keywordToken);
  return undefined;
}

/**
 * The kind a node is compared by: a plain string and a template without substitutions are one kind, as are
 * numbers however written (`0x10`, `16`), so only their values count. A string standing alone as a statement
 * keeps its kind: it may be a directive (`'use strict'`), which a template never is.
 */
function comparedKind(node: TS.Node): string {
  if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node))
    return ts.isExpressionStatement(node.parent) ? String(node.kind) : 'string';
  return String(node.kind);
}

/** A literal's value as it runs: numbers normalized (`1.0`, `0x1` and `1` are one value). */
function literalValue(node: TS.Node): string | undefined {
  if (ts.isNumericLiteral(node)) return String(Number(node.text.replaceAll('_', '')));
  return undefined;
}

function serialize(node: TS.Node, out: string[]): void {
  const inner = unwrap(node);
  const text = literalValue(inner) ?? payload(inner);
  const kind = comparedKind(inner);
  out.push(text === undefined ? `(${kind}` : `(${kind}:${text}`);
  ts.forEachChild(inner, (child) => {
    if (!isTypeOnly(child)) serialize(child, out);
  });
  out.push(')');
}
