import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Every registry the compiler checks, with its last entry deleted in memory: the product (the files
 * tsconfig.build.json compiles) must then fail to type-check. A registry is a `const` whose initializer is an
 * object or array literal (behind `as const`, `satisfies` or a type annotation). One entry per registry keeps the
 * test near a minute: each edit costs a fresh type check of the files it touches.
 */
const REGISTRIES = [
  { file: 'src/core/proposals.ts', name: 'ToolInputs', what: 'tool input schemas' },
  { file: 'src/core/proposals.ts', name: 'TOOL_READ_ONLY', what: 'read-only tools' },
  { file: 'src/model/tool-schemas.ts', name: 'DESCRIPTIONS', what: 'tool descriptions' },
  { file: 'src/core/events.ts', name: 'EFFECTS', what: 'effects and how resume treats them' },
  { file: 'src/runtime/failpoints.ts', name: 'FAILPOINTS', what: 'failpoints' },
  { file: 'src/model/prompts.ts', name: 'PHASE_GUIDE', what: "each phase's guide for the model" },
  { file: 'gates/runners/index.ts', name: 'RUNNER_PROFILES', what: 'runner profiles' },
] as const;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Edit {
  file: string;
  text: string;
  /** The deleted entry's name, as a quoted literal elsewhere would spell it. */
  key: string;
}

/** One program over the build's files; edited programs reuse its parsed files, so each costs one check. */
class Checker {
  private readonly options: ts.CompilerOptions;
  private readonly rootNames: string[];
  private readonly parsed = new Map<string, ts.SourceFile | undefined>();
  readonly base: ts.Program;

  constructor() {
    const configPath = join(ROOT, 'tsconfig.build.json');
    const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, { noEmit: true }, configPath);
    this.options = parsed.options;
    this.rootNames = parsed.fileNames;
    this.base = this.program(null);
  }

  /** A program in which `edit.file` reads `edit.text`; every other file is the one on disk, parsed once. */
  program(edit: Edit | null): ts.Program {
    const host = ts.createCompilerHost(this.options, true);
    const editedPath = edit === null ? null : join(ROOT, edit.file);
    host.getSourceFile = (fileName, languageVersion) => {
      if (editedPath !== null && resolve(fileName) === editedPath)
        return ts.createSourceFile(fileName, edit!.text, languageVersion, true);
      if (!this.parsed.has(fileName)) {
        const text = ts.sys.readFile(fileName);
        this.parsed.set(
          fileName,
          text === undefined ? undefined : ts.createSourceFile(fileName, text, languageVersion, true),
        );
      }
      return this.parsed.get(fileName);
    };
    return ts.createProgram({
      rootNames: this.rootNames,
      options: this.options,
      host,
      ...(edit !== null && { oldProgram: this.base }),
    });
  }

  /**
   * Errors the edit causes: in the edited file, else in the files that spell the deleted key as a quoted literal
   * (a union built from a list fails where its members are used). Each file looked at must have compiled before.
   */
  errorsAfter(edit: Edit): string[] {
    const program = this.program(edit);
    const quoted = [`'${edit.key}'`, `"${edit.key}"`];
    const errors = (p: ts.Program, file: ts.SourceFile | undefined): string[] =>
      (file === undefined ? [] : p.getSemanticDiagnostics(file))
        .filter((d) => d.category === ts.DiagnosticCategory.Error)
        .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    const edited = join(ROOT, edit.file);
    const users = program
      .getSourceFiles()
      .filter(
        (f) =>
          !f.isDeclarationFile && resolve(f.fileName) !== edited && quoted.some((q) => f.text.includes(q)),
      )
      .map((f) => f.fileName);
    for (const fileName of [edited, ...users]) {
      expect(errors(this.base, this.base.getSourceFile(fileName)), `${fileName} before the edit`).toEqual([]);
      const found = errors(program, program.getSourceFile(fileName));
      if (found.length > 0) return found;
    }
    return [];
  }
}

/** The literal a registry constant is initialized with, under any `as const`, `satisfies` or parentheses. */
function literalOf(
  file: ts.SourceFile,
  name: string,
): ts.ObjectLiteralExpression | ts.ArrayLiteralExpression {
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name)
      found = node.initializer;
    else ts.forEachChild(node, visit);
  };
  visit(file);
  let expr = found;
  while (
    expr !== undefined &&
    (ts.isSatisfiesExpression(expr) || ts.isAsExpression(expr) || ts.isParenthesizedExpression(expr))
  )
    expr = expr.expression;
  if (expr === undefined || !(ts.isObjectLiteralExpression(expr) || ts.isArrayLiteralExpression(expr)))
    throw new Error(`${file.fileName}: ${name} is not a const initialized with an object or array literal`);
  return expr;
}

/** The name an entry is known by: its property name, or the string an array element spells. */
function keyOf(entry: ts.Node, file: ts.SourceFile): string {
  if (
    ts.isPropertyAssignment(entry) ||
    ts.isShorthandPropertyAssignment(entry) ||
    ts.isMethodDeclaration(entry)
  )
    return ts.isIdentifier(entry.name) || ts.isStringLiteral(entry.name)
      ? entry.name.text
      : entry.name.getText(file);
  if (ts.isStringLiteral(entry)) return entry.text;
  return entry.getText(file);
}

/** The file's text without one entry of a literal (and the comma after it). */
function without(text: string, entry: ts.Node): string {
  let end = entry.end;
  const rest = /^\s*,/.exec(text.slice(end));
  if (rest !== null) end += rest[0].length;
  return text.slice(0, entry.pos) + text.slice(end);
}

function source(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

describe('registries the compiler checks', () => {
  let checker: Checker;

  beforeAll(() => {
    checker = new Checker();
  });

  for (const { file, name, what } of REGISTRIES) {
    it(`deleting an entry of ${name} (${what}, ${file}) does not compile`, () => {
      const sf = source(file);
      const literal = literalOf(sf, name);
      const entries = ts.isObjectLiteralExpression(literal) ? literal.properties : literal.elements;
      const last = entries[entries.length - 1];
      if (last === undefined) throw new Error(`${file}: ${name} is empty`);
      const key = keyOf(last, sf);
      const errors = checker.errorsAfter({ file, key, text: without(sf.text, last) });
      expect(errors.length, `${name} without ${key} still compiles`).toBeGreaterThan(0);
    }, 60_000);
  }

  it('a runner profile without its config globs does not compile (else a new runner leaves its config unlocked)', () => {
    const file = 'gates/runners/vitest.ts';
    const sf = source(file);
    const profile = literalOf(sf, 'vitestProfile');
    const entries = ts.isObjectLiteralExpression(profile) ? profile.properties : profile.elements;
    const globs = entries.find((p) => keyOf(p, sf) === 'configFiles');
    if (globs === undefined) throw new Error(`${file}: vitestProfile has no configFiles`);
    const errors = checker.errorsAfter({ file, key: 'configFiles', text: without(sf.text, globs) });
    expect(errors.length, 'vitestProfile without configFiles still compiles').toBeGreaterThan(0);
  }, 60_000);
});
