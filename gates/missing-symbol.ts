import { posix } from 'node:path';
import type { FileChange } from '../sandbox/atomic-apply.js';
import type { TestReport } from '../src/core/report.js';
import { RIGHT_REASONS } from './red-gate.js';
import {
  importCandidates,
  moduleShape,
  testImports,
  type Member,
  type ModuleShape,
  type SymbolKind,
} from './module-syntax.js';

// The import readers, for callers that must load the modules a test imports before calling findMissingSymbols.
export { importCandidates, testImports, type Member, type SymbolKind } from './module-syntax.js';

/** A failure to explain: the caller's key for it (test id, or file for a file-level error), its test file, its message. */
export interface SymbolFailure {
  id: string;
  file: string;
  message: string;
}

/**
 * The failures the stub rule may explain: file-level collection errors of the given test files, and failed tests
 * the caller counts as new (`isNew`) whose failure is not already evidence (an assertion, not-implemented, crash).
 */
export function symbolFailures(
  report: TestReport,
  files: ReadonlySet<string>,
  isNew: (test: TestReport['tests'][number]) => boolean,
): SymbolFailure[] {
  return [
    ...report.collectionErrors
      .filter((e) => files.has(e.file))
      .map((e) => ({ id: `file:${e.file}`, file: e.file, message: e.message })),
    ...report.tests
      .filter(
        (t) => isNew(t) && t.state === 'failed' && !RIGHT_REASONS.includes(t.failure?.class ?? 'unknown'),
      )
      .map((t) => ({ id: t.id, file: t.file, message: t.failure?.message ?? '' })),
  ];
}

/** A symbol a test uses that the production module lacks on the code under test, and the failures it explains. */
export interface MissingSymbol {
  /** Repo-relative production module to stub. */
  module: string;
  name: string;
  kind: SymbolKind;
  members: Member[];
  format: 'esm' | 'cjs';
  /** The module already declares it, unexported: the stub exports the real thing. */
  local: boolean;
  /** Ids of the failures this symbol explains. */
  explains: string[];
}

/** File contents by repo-relative path; null when the file is absent on that side. */
export type Sources = Readonly<Record<string, string | null>>;

const NAMED_MISSING = [
  /does not provide an export named '([^']+)'/,
  /Named export '([^']+)' not found/,
  /has no exported member(?: named)? '([^']+)'/,
  /"([^"]+)" is not exported by/,
  /([A-Za-z_$][\w$]*)\)? is not a (?:function|constructor)\b/,
];
const UNDEFINED_READ = /Cannot read propert(?:y|ies) of undefined/;
const MODULE_MISSING = /Cannot find module|Failed to load url|Failed to resolve import|ERR_MODULE_NOT_FOUND/;
const TS_FILE = /\.[cm]?tsx?$/;

/** The names a failure message says are missing; 'any' when it only says something was undefined. */
function namesIn(message: string): string[] | 'any' {
  const names = NAMED_MISSING.flatMap((re) => re.exec(message)?.[1] ?? []);
  return names.length === 0 && UNDEFINED_READ.test(message) ? 'any' : names;
}

const EMPTY: ModuleShape = { exports: new Map(), locals: new Map(), star: false, format: undefined };

/**
 * The symbols that explain why new tests failed on the code under test: each is imported by the failing test
 * file from a production module that lacks it there (`baseSources`), and is named by the failure (a missing
 * export, "X is not a function/constructor", a read of undefined, or a module the change creates).
 * `headSources` holds the changed modules after the change; with it, only symbols the change adds count and
 * their kind comes from its declaration. Without it (null: the fix is not written yet), any symbol missing
 * from an existing module counts and its kind is guessed from the test's use (`new X` → class, `X()` →
 * function). Pass every production module a test may import in `baseSources` (see {@link importCandidates}).
 */
export function findMissingSymbols(
  failures: readonly SymbolFailure[],
  testFiles: Readonly<Record<string, string>>,
  headSources: Sources | null,
  baseSources: Sources,
): MissingSymbol[] {
  const found = new Map<string, MissingSymbol>();
  // A path resolves where some side has the file: `src/calc.js` in an import may name src/calc.ts.
  const known = (p: string) => (baseSources[p] ?? headSources?.[p] ?? null) !== null;
  for (const failure of failures) {
    const source = testFiles[failure.file];
    if (source === undefined) continue;
    const named = namesIn(failure.message);
    const moduleMissing = MODULE_MISSING.test(failure.message);
    for (const use of testImports(source, failure.file)) {
      const module = importCandidates(failure.file, use.specifier).find(known);
      if (module === undefined) continue;
      const base = baseSources[module] ?? null;
      const head = headSources === null ? undefined : (headSources[module] ?? null);
      if (head === null) continue;
      const stem = posix.basename(use.specifier).replace(/\.[cm]?[jt]sx?$/, '');
      // A module the change creates explains only a "cannot find module" that names it.
      if (base === null && (head === undefined || !moduleMissing || !failure.message.includes(stem)))
        continue;
      const before = base === null ? EMPTY : moduleShape(base, module);
      const after = head === undefined ? undefined : moduleShape(head, module);
      // Members of a default import are exports only of a CommonJS module (its default is module.exports).
      if (use.viaDefault && (before.format ?? after?.format) !== 'cjs') continue;
      for (const [name, used] of use.names) {
        if (name === 'default' || before.exports.has(name)) continue;
        if (after !== undefined && !after.exports.has(name)) continue;
        if (base !== null && named !== 'any' && !named.includes(name)) continue;
        const key = `${module}#${name}`;
        const declared = after?.exports.get(name) ?? before.locals.get(name);
        const symbol = found.get(key) ?? {
          module,
          name,
          kind: declared?.kind ?? used ?? 'value',
          members: declared?.members ?? [],
          format: before.format ?? after?.format ?? (/\.cjs$/.test(module) ? 'cjs' : use.style),
          local: before.locals.has(name),
          explains: [],
        };
        if (!symbol.explains.includes(failure.id)) symbol.explains.push(failure.id);
        found.set(key, symbol);
      }
    }
  }
  return [...found.values()];
}

function stubText(s: MissingSymbol, typed: boolean): string {
  const args = typed ? '..._args: any[]' : '';
  const ret = typed ? ': any' : '';
  if (s.local) return s.format === 'cjs' ? `module.exports.${s.name} = ${s.name};` : `export { ${s.name} };`;
  const body =
    s.kind === 'function'
      ? `function ${s.name}(${args})${ret} { return undefined; }`
      : s.kind === 'class'
        ? `class ${s.name} {${typed ? ' constructor(..._args: any[]) {}' : ''}${s.members
            .map(
              (m) =>
                ` ${m.static ? 'static ' : ''}${m.getter ? 'get ' : ''}${m.name}(${m.getter ? '' : args})${ret} { return undefined; }`,
            )
            .join('')} }`
        : '{}';
  if (s.format === 'cjs') return `module.exports.${s.name} = ${body};`;
  return s.kind === 'value' ? `export const ${s.name}${ret} = {};` : `export ${body}`;
}

/**
 * The scratch-copy edits that stub each symbol: appended to its module as it is in `baseSources` (created when
 * absent) — a function returning undefined, an empty class with the head's methods returning undefined, an
 * empty object for a value, or an export of the module's own unexported declaration. ESM or CommonJS as the
 * module is written; typed stubs in TypeScript files.
 */
export function stubChanges(symbols: readonly MissingSymbol[], baseSources: Sources): FileChange[] {
  const byModule = new Map<string, MissingSymbol[]>();
  for (const s of symbols) byModule.set(s.module, [...(byModule.get(s.module) ?? []), s]);
  return [...byModule].map(([path, list]) => {
    const before = baseSources[path] ?? null;
    const stubs = list.map((s) => stubText(s, TS_FILE.test(path))).join('\n');
    const header = '// agentctl: stubs for symbols the change adds, so a new test can reach its assertions';
    const prefix = before === null || before.endsWith('\n') || before === '' ? (before ?? '') : `${before}\n`;
    return { path, before, after: `${prefix}${header}\n${stubs}\n` };
  });
}
