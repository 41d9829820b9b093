import { z } from 'zod';
import { packageFile } from '../../src/paths.js';
import type { CollectionError, TestCase, TestState } from '../../src/core/report.js';
import { classifyError, stripAnsi } from '../classify-failure.js';
import type { ClassifyContext } from '../classify-failure.js';
import { trimStack } from '../stack-frames.js';
import {
  buildReport,
  parseErrorText,
  type ReportReading,
  repoFile,
  testId,
  toText,
  valuesFromMessage,
} from './report-helpers.js';
import type { AdapterContext, TestAdapter } from './types.js';

// The part of `jest --json` this adapter reads.
const JestAssertion = z.object({
  ancestorTitles: z.array(z.string()),
  title: z.string(),
  status: z.string(),
  duration: z.number().nullish(),
  failureMessages: z.array(z.string()).default([]),
  failureDetails: z.array(z.unknown()).default([]),
});
const JestFile = z.object({
  name: z.string(),
  status: z.string(),
  message: z.string().default(''),
  assertionResults: z.array(JestAssertion).default([]),
});
const JestJson = z.object({ testResults: z.array(JestFile) });

const STATES: Record<string, TestState> = {
  passed: 'passed',
  failed: 'failed',
  todo: 'todo',
  focused: 'passed',
};
// jest-circus runs every hook through this function; a failure under it is the hook's.
const HOOK_FRAME = /\bat _callCircusHook\b/;
// The code frame jest prints under a file-level error points at the failing line, e.g. an afterAll call.
const HOOK_CODE_FRAME = /^\s*>\s*\d+ \|.*\b(?:before|after)(?:All|Each)\s*\(/m;

/** A file-level message without jest's header and code frame, so the error's own text is what is left. */
function fileMessage(message: string): string {
  return stripAnsi(message)
    .replace(/^\s*● Test suite failed to run\s*/, '')
    .split('\n')
    .filter((l) => !/^\s*>?\s*\d+ \|/.test(l) && !/^\s+\|/.test(l))
    .map((l) => l.replace(/^ {4}/, ''))
    .join('\n')
    .trim();
}

function fileError(file: string, message: string, ctx: AdapterContext): CollectionError {
  const err = parseErrorText(fileMessage(message));
  const where = HOOK_CODE_FRAME.test(stripAnsi(message)) ? 'hook' : 'module';
  const error: CollectionError = {
    file,
    class: classifyError(err, { ...ctxOf(ctx), where }),
    message: err.message,
  };
  const stack = trimStack(err.stack);
  if (stack !== undefined) error.stack = stack;
  return error;
}

function ctxOf(ctx: AdapterContext): Omit<ClassifyContext, 'where'> {
  return { isTestFile: ctx.isTestFile, cwd: ctx.cwd };
}

function testCase(file: string, a: z.infer<typeof JestAssertion>, ctx: AdapterContext): TestCase {
  const path = [...a.ancestorTitles, a.title];
  const state = STATES[a.status] ?? 'skipped';
  const test: TestCase = {
    id: testId(file, path),
    file,
    name: path.join(' > '),
    state,
    durationMs: a.duration ?? 0,
  };
  if (state !== 'failed') return test;
  const text = a.failureMessages[0] ?? 'failed';
  const err = parseErrorText(text);
  const details = a.failureDetails[0];
  const matcher =
    typeof details === 'object' && details !== null && 'matcherResult' in details
      ? (details.matcherResult as { expected?: unknown; actual?: unknown } | undefined)
      : undefined;
  const where = HOOK_FRAME.test(text) ? 'hook' : 'test';
  // matcherResult exists only on errors thrown by jest's expect(): an assertion whatever its label.
  const cls =
    matcher !== undefined && where === 'test' ? 'assertion' : classifyError(err, { ...ctxOf(ctx), where });
  const values =
    matcher !== undefined
      ? { expected: toText(matcher.expected), actual: toText(matcher.actual) }
      : valuesFromMessage(err.message);
  test.failure = { class: cls, message: err.message };
  if (values?.expected !== undefined) test.failure.expected = values.expected;
  if (values?.actual !== undefined) test.failure.actual = values.actual;
  const stack = trimStack(err.stack);
  if (stack !== undefined) test.failure.stack = stack;
  return test;
}

/**
 * jest, read from `jest --json` output; a file that fails to load is a file result without tests. The default
 * command runs jest through jest-launch.cjs (its runCLI API), so tests never see `--json` in process.argv; a
 * custom `test.command` gets the reporter flags appended.
 */
export const jestAdapter: TestAdapter = {
  runner: 'jest',
  plan({ command, files, reportFile }) {
    if (command === undefined) {
      return {
        argv: ['node', packageFile('gates', 'adapters', 'jest-launch.cjs'), ...files],
        env: { AGENTCTL_REPORT_FILE: reportFile },
        reportFile,
      };
    }
    const only = files.length > 0 ? ['--runTestsByPath', ...files] : [];
    return {
      argv: [...command, '--json', `--outputFile=${reportFile}`, '--testLocationInResults', ...only],
      reportFile,
    };
  },
  parse(raw, ctx) {
    let json: z.infer<typeof JestJson> = { testResults: [] };
    let reading: ReportReading = { state: 'ok' };
    if (raw.reportText === undefined) reading = { state: 'missing' };
    else {
      try {
        json = JestJson.parse(JSON.parse(raw.reportText));
      } catch (err) {
        reading = { state: 'invalid', why: `not jest's JSON: ${(err as Error).message.split('\n')[0]}` };
      }
    }
    const tests: TestCase[] = [];
    const errors: CollectionError[] = [];
    for (const f of json.testResults) {
      const file = repoFile(f.name, ctx.cwd);
      const anyFailed = f.assertionResults.some((a) => a.status === 'failed');
      if (/Test suite failed to run/.test(f.message) || (f.status === 'failed' && !anyFailed)) {
        errors.push(fileError(file, f.message || 'test file failed', ctx));
      }
      for (const a of f.assertionResults) tests.push(testCase(file, a, ctx));
    }
    return buildReport('jest', raw, tests, errors, reading);
  },
};
