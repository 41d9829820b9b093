import type { FailureClass } from '../src/core/report.js';
import { firstProjectFile } from './stack-frames.js';

/** An error as a runner reported it; `name` may be the runner's label rather than the error's own type. */
export interface ErrorLike {
  name?: string;
  message: string;
  stack?: string;
  code?: string;
}

/** Where the error surfaced, and how to tell test files from production files. */
export interface ClassifyContext {
  where: 'test' | 'hook' | 'module';
  isTestFile: (relPath: string) => boolean;
  cwd: string;
}

// Each runner's own wording for "this test ran out of time"; a production "timed out" error is a crash.
const TIMEOUT = [
  /^Test timed out in \d+ ?ms/i, // vitest
  /^(?:thrown: )?"?Exceeded timeout of \d+ ?ms for a (?:test|hook)/, // jest
  /^Timeout of \d+ms exceeded/, // mocha
  /^test timed out after \d+ ?ms/, // node:test
  /^Test timeout exceeded/, // ava t.timeout()
  /^Exited because no new tests completed within the last \d+ms of inactivity/, // ava --timeout
  /^(?:Failed: )?Timeout >[\d.]+s/, // pytest-timeout
];
const IMPORT_CODES = new Set([
  'ERR_MODULE_NOT_FOUND',
  'MODULE_NOT_FOUND',
  'ERR_PACKAGE_PATH_NOT_EXPORTED',
  'ERR_UNSUPPORTED_DIR_IMPORT',
  'ERR_PACKAGE_IMPORT_NOT_DEFINED',
]);
const IMPORT_MESSAGES = [
  /Cannot find (?:module|package)\b/,
  /Failed to (?:load url|resolve import|resolve entry)/,
  /does not provide an export named/,
  /has no exported member/,
  /is not exported by/,
  /No module named/,
  /^cannot import name/,
  /ImportError while importing test module/,
];
const SYNTAX_MESSAGES = [
  /Failed to parse source/,
  /Jest encountered an unexpected token/,
  /^Transform failed with \d+ error/,
  /^Parse failure/,
  /\berror TS\d{4}\b/,
  /^(?:SyntaxError|IndentationError|TabError)\b/m,
];
const ASSERTION_NAMES = new Set([
  'AssertionError',
  'AssertionFailedError',
  'JestAssertionError',
  'ComparisonFailure',
  'ExpectationFailed',
]);
const ASSERTION_MESSAGES = [
  /^expect\(/, // jest matchers
  /^assert\.\w+\(received/, // jest's rewrite of node:assert errors
  /^expected [\s\S]+ to (?:not )?[a-z]/, // chai, vitest
  /^Expected values to be/, // node:assert
  /^assert\b/, // pytest assertion rewriting
];
const NOT_IMPLEMENTED = /not[ _-]?(?:yet[ _-]?)?implemented|\bunimplemented\b|NotImplemented/i;
const CALLED_A_MISSING_THING =
  /is not a (?:function|constructor)|Cannot read propert(?:y|ies) of (?:undefined|null)/;
// A SyntaxError raised while running code (JSON.parse, new RegExp) is not a file that failed to parse.
const RUNTIME_SYNTAX = /JSON|Invalid regular expression|Invalid flags/;

/** The error's own type from its stack header ("RangeError: …"), which a runner's label cannot override. */
function ownName(err: ErrorLike): string | undefined {
  const header = err.stack?.trimStart().split('\n', 1)[0] ?? '';
  const m = /^([A-Za-z_$][\w$]*)(?: \[[\w-]+\])?:/.exec(header);
  const name = m?.[1];
  if (name !== undefined && (name === 'Error' || /(?:Error|Exception|Failure)$/.test(name))) return name;
  return err.name;
}

function isTimeout(err: ErrorLike, message: string): boolean {
  return err.code === 'ERR_MOCHA_TIMEOUT' || TIMEOUT.some((re) => re.test(message));
}

function isImport(err: ErrorLike, name: string | undefined, message: string): boolean {
  if (err.code !== undefined && IMPORT_CODES.has(err.code)) return true;
  if (name === 'ModuleNotFoundError' || name === 'ImportError') return true;
  return IMPORT_MESSAGES.some((re) => re.test(message));
}

function isSyntax(err: ErrorLike, name: string | undefined, message: string): boolean {
  if (RUNTIME_SYNTAX.test(message) || /at (?:JSON\.parse|new RegExp)\b/.test(err.stack ?? '')) return false;
  if (name === 'SyntaxError' || name === 'IndentationError' || name === 'TabError') return true;
  return SYNTAX_MESSAGES.some((re) => re.test(message));
}

function isAssertion(err: ErrorLike, name: string | undefined, message: string): boolean {
  if (err.code === 'ERR_ASSERTION') return true;
  // ava labels every exception "AssertionError" with this message; the adapter passes the real error instead.
  if (name !== undefined && ASSERTION_NAMES.has(name) && message !== 'Error thrown in test') return true;
  return ASSERTION_MESSAGES.some((re) => re.test(message));
}

/**
 * Why a test failed, from the error's type, code, message wording and stack (DESIGN.md "Gates and evidence").
 * Order matters: a hook or timeout is the harness's failure whatever the error; import and syntax errors are
 * the file's; then the assertion library; then who threw — production code (crash) or the test (test_error).
 */
export function classifyError(err: ErrorLike, ctx: ClassifyContext): FailureClass {
  const message = stripAnsi(err.message).trim();
  const name = ownName(err);
  if (ctx.where === 'hook' || /^Hook timed out in \d+ ?ms/.test(message)) return 'hook';
  if (isTimeout(err, message)) return 'timeout';
  if (isImport(err, name, message)) return 'import';
  if (isSyntax(err, name, message)) return 'syntax';
  if (isAssertion(err, name, message)) return 'assertion';
  const thrower = firstProjectFile(err.stack, ctx.cwd);
  const fromTest = thrower !== undefined && ctx.isTestFile(thrower);
  if (NOT_IMPLEMENTED.test(message) || (name !== undefined && NOT_IMPLEMENTED.test(name))) {
    // A test that throws "not implemented" itself proves nothing about production code.
    return fromTest ? 'test_error' : 'not_implemented';
  }
  if (thrower !== undefined) return fromTest ? 'test_error' : 'crash';
  if (CALLED_A_MISSING_THING.test(message)) return 'test_error';
  return 'unknown';
}

/** Removes ANSI colour codes, which some runners keep in their machine-readable output. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}
