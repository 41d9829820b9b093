import type { CollectionError, TestCase } from '../../src/core/report.js';
import type { ErrorLike } from '../classify-failure.js';
import { classifyError } from '../classify-failure.js';
import { trimStack } from '../stack-frames.js';
import {
  binCommand,
  buildReport,
  repoFile,
  testId,
  valuesFromDiff,
  type ReportReading,
} from './report-helpers.js';
import { parseTap } from './tap.js';
import type { TapTest } from './tap.js';
import type { AdapterContext, TestAdapter } from './types.js';

const SEPARATOR = ' › ';
const EXITED = /^(.+?) exited (?:with a non-zero exit code: \d+|due to \w+)$/;
const NO_TESTS = /^No tests found in (.+?)(?:, make sure to import "ava".*)?$/;
const UNCAUGHT = /^(?:[\w$]*(?:Error|Exception)|Error)\b(?: \[[\w-]+\])?:/;
const HOOK = /^(?:before|after)(?:Each)?(?:\.always)? hook(?: for (.+))?$/;
// ava's wording when the test threw (or rejected) rather than failed an assertion.
const THREW =
  /^(?:Error thrown in test|Rejected promise returned by test|Error thrown in hook|Rejected promise returned by hook)/;

/** How ava shortens a path in a title prefix: no __tests__ dirs, no .test/.spec/test- markers, no extension. */
function avaParts(file: string): string[] {
  const parts = file.split('/').filter((p) => p !== '__tests__');
  const name = (parts.pop() ?? '')
    .replace(/\.spec\./, '.')
    .replace(/\.test\./, '.')
    .replace(/test-/, '')
    .replace(/\.[^.]+$/, '');
  return [...parts, name];
}

/** Splits "dir › file › title" into the test file (from ctx.files) and the test title. */
function splitTitle(title: string, ctx: AdapterContext): { file: string; name: string } {
  const files = ctx.files ?? [];
  // ava prefixes titles only when it runs more than one file.
  if (files.length === 1) return { file: files[0] ?? '', name: title };
  const parts = title.split(SEPARATOR);
  for (let k = parts.length - 1; k >= 1; k--) {
    const prefix = parts.slice(0, k).join('/');
    const matches = files.filter((f) => avaParts(f).slice(-k).join('/') === prefix);
    if (matches.length === 1) return { file: matches[0] ?? '', name: parts.slice(k).join(SEPARATOR) };
  }
  return { file: parts.length > 1 ? parts.slice(0, -1).join('/') : '', name: parts.at(-1) ?? title };
}

/** The labelled values ava prints with a failure: `details` (ava 3+) or `values` (ava 1.x). */
function valuesOf(diag: Record<string, unknown>): Record<string, unknown> | undefined {
  const holder = diag.details ?? diag.values;
  return typeof holder === 'object' && holder !== null ? (holder as Record<string, unknown>) : undefined;
}

/** ava's TAP is complete when it has its header and its plan line, which ava prints once every file ended. */
function tapReading(stdout: string): ReportReading {
  if (!/^TAP version \d+/m.test(stdout)) return { state: 'missing' };
  if (!/^1\.\.\d+\s*$/m.test(stdout)) return { state: 'invalid', why: 'the TAP output has no plan line' };
  return { state: 'ok' };
}

/** The error ava's YAML describes; for a thrown error, the real one from its details, not the label. */
function errorOf(diag: Record<string, unknown>): ErrorLike {
  const at = typeof diag.at === 'string' ? `    at ${diag.at}` : undefined;
  const message = typeof diag.message === 'string' ? diag.message : '';
  // ava 3+ puts the thrown value under `details`, ava 1.x under `values`.
  const holder = valuesOf(diag);
  const details = holder === undefined ? [] : Object.values(holder);
  const shown = typeof details[0] === 'string' ? details[0] : '';
  if (THREW.test(message) && shown !== '') {
    const name = /^([\w$]+) \{/.exec(shown)?.[1];
    const inner = /^\s*message: (['"])((?:\\.|(?!\1).)*)\1/m.exec(shown)?.[2]?.replace(/\\(.)/g, '$1');
    const code = /^\s*code: '([\w-]+)'/m.exec(shown)?.[1];
    const stack = at === undefined ? undefined : `${name ?? 'Error'}: ${inner ?? ''}\n${at}`;
    return {
      message: inner ?? shown,
      ...(name ? { name } : {}),
      ...(code ? { code } : {}),
      ...(stack ? { stack } : {}),
    };
  }
  const name = typeof diag.name === 'string' ? diag.name : undefined;
  return {
    message,
    ...(name ? { name } : {}),
    ...(at ? { stack: `${name ?? 'Error'}: ${message}\n${at}` } : {}),
  };
}

function failure(
  test: TapTest,
  where: 'test' | 'hook',
  ctx: AdapterContext,
): NonNullable<TestCase['failure']> {
  const err = errorOf(test.diag);
  const assertion = typeof test.diag.assertion === 'string' && where === 'test';
  const cls = assertion
    ? 'assertion'
    : classifyError(err, { where, isTestFile: ctx.isTestFile, cwd: ctx.cwd });
  const out: NonNullable<TestCase['failure']> = {
    class: cls,
    message:
      err.message || `${typeof test.diag.assertion === 'string' ? test.diag.assertion : 'test'} failed`,
  };
  const diff = Object.entries(valuesOf(test.diag) ?? {}).find(([label]) => /^Difference\b/.test(label))?.[1];
  if (typeof diff === 'string') Object.assign(out, valuesFromDiff(diff, '-'));
  const stack = trimStack(err.stack);
  if (stack !== undefined) out.stack = stack;
  return out;
}

/** ava, read from `--tap` (ava has no JSON reporter); file paths come from ctx.files, see AdapterContext. */
export const avaAdapter: TestAdapter = {
  runner: 'ava',
  plan({ command, files }) {
    return { argv: [...(command ?? binCommand('ava')), '--tap', ...files] };
  },
  parse(raw, ctx) {
    const tests = new Map<string, TestCase>();
    const errors: CollectionError[] = [];
    // An uncaught error is printed before the "<file> exited …" line that names its file.
    let pending: CollectionError[] = [];
    for (const t of parseTap(raw.stdout)) {
      const exited = EXITED.exec(t.title) ?? NO_TESTS.exec(t.title);
      if (exited?.[1] !== undefined) {
        const file = repoFile(exited[1], ctx.cwd);
        if (pending.length === 0) errors.push({ file, class: 'unknown', message: t.title });
        errors.push(...pending.map((e) => ({ ...e, file: e.file || file })));
        pending = [];
        continue;
      }
      if (UNCAUGHT.test(t.title) && !t.title.includes(SEPARATOR)) {
        const err = errorOf(t.diag);
        const file = repoFile(/imported from (\S+)/.exec(err.message)?.[1], ctx.cwd);
        const stack = trimStack(err.stack);
        const cls = classifyError(err, { where: 'module', isTestFile: ctx.isTestFile, cwd: ctx.cwd });
        pending.push({ file, class: cls, message: err.message, ...(stack ? { stack } : {}) });
        continue;
      }
      const { file, name } = splitTitle(t.title, ctx);
      const hook = HOOK.exec(name);
      if (hook !== null && hook[1] === undefined) {
        errors.push({ file, class: 'hook', message: failure(t, 'hook', ctx).message });
        continue;
      }
      const testName = hook?.[1] ?? name;
      const base = { id: testId(file, [testName]), file, name: testName, durationMs: 0 };
      const state =
        t.directive === 'skip' ? 'skipped' : t.directive === 'todo' ? 'todo' : t.ok ? 'passed' : 'failed';
      const test: TestCase =
        state === 'failed'
          ? { ...base, state, failure: failure(t, hook ? 'hook' : 'test', ctx) }
          : { ...base, state };
      if (tests.get(test.id)?.state !== 'failed') tests.set(test.id, test);
    }
    errors.push(...pending);
    return buildReport('ava', raw, [...tests.values()], errors, tapReading(raw.stdout));
  },
};
