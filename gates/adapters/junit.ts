import { XMLParser } from 'fast-xml-parser';
import type { CollectionError, TestCase } from '../../src/core/report.js';
import { ConfigError } from '../../src/errors.js';
import { classifyError } from '../classify-failure.js';
import { trimStack } from '../stack-frames.js';
import { junitError } from './junit-errors.js';
import { resolveJunitFile } from './junit-files.js';
import { buildReport, repoFile, testId } from './report-helpers.js';
import type { AdapterContext, TestAdapter } from './types.js';

interface Outcome {
  message?: string;
  type?: string;
  '#text'?: string;
}
interface XmlCase {
  name?: string;
  classname?: string;
  file?: string;
  time?: string;
  failure?: unknown[];
  error?: unknown[];
  skipped?: unknown[];
}
interface XmlSuite {
  name?: string;
  file?: string;
  testcase?: unknown[];
  testsuite?: unknown[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: '@',
  htmlEntities: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});
// Names reporters give the one suite wrapping a whole run; they are not describe blocks.
const GENERIC_SUITES = new Set(['pytest', 'root', 'Root Suite', 'Mocha Tests', 'jest tests', 'vitest tests']);

/** fast-xml-parser puts attributes under "@"; flatten them next to the child elements. */
function flat<T extends object>(node: unknown): T {
  // An element with text and no attributes comes back as a bare string.
  if (typeof node === 'string') return { '#text': node } as unknown as T;
  if (typeof node !== 'object' || node === null) return {} as T;
  const { '@': attrs, ...rest } = node as Record<string, unknown>;
  return { ...(attrs as object | undefined), ...rest } as T;
}

interface Walk {
  ctx: AdapterContext;
  tests: TestCase[];
  errors: CollectionError[];
}

function visitCase(tc: XmlCase, suites: string[], suiteFile: string | undefined, walk: Walk): void {
  const name = tc.name ?? '';
  const { file, scope, fileLevel } = resolveJunitFile(
    { file: tc.file ?? suiteFile, classname: tc.classname, name },
    walk.ctx,
  );
  const raw = tc.error?.[0] ?? tc.failure?.[0];
  const outcome = raw === undefined ? undefined : flat<Outcome>(raw);
  const suitePath = suites.filter(
    (s) => !GENERIC_SUITES.has(s) && s !== file && s !== tc.classname && repoFile(s, walk.ctx.cwd) !== file,
  );
  const path = [...suitePath, ...scope, name];
  if (outcome !== undefined) {
    const err = junitError({ message: outcome.message, type: outcome.type, text: outcome['#text'] ?? '' });
    const hook =
      err.failureType === 'hookFailed' || /^failed on (?:setup|teardown) with/.test(outcome.message ?? '');
    const where = hook ? 'hook' : fileLevel ? 'module' : 'test';
    const cls =
      err.failureType === 'testTimeoutFailure'
        ? 'timeout'
        : classifyError(err, { where, isTestFile: walk.ctx.isTestFile, cwd: walk.ctx.cwd });
    const stack = trimStack(err.stack);
    if (fileLevel) {
      walk.errors.push({ file, class: cls, message: err.message, ...(stack ? { stack } : {}) });
      return;
    }
    const failure = {
      class: cls,
      message: err.message,
      ...(err.expected !== undefined ? { expected: err.expected } : {}),
      ...(err.actual !== undefined ? { actual: err.actual } : {}),
      ...(stack ? { stack } : {}),
    };
    walk.tests.push({
      id: testId(file, path),
      file,
      name: path.join(' > '),
      state: 'failed',
      durationMs: seconds(tc.time),
      failure,
    });
    return;
  }
  const skipped = tc.skipped?.[0] === undefined ? undefined : flat<Outcome>(tc.skipped[0]);
  const state = skipped === undefined ? 'passed' : /todo/i.test(skipped.type ?? '') ? 'todo' : 'skipped';
  walk.tests.push({
    id: testId(file, path),
    file,
    name: path.join(' > '),
    state,
    durationMs: seconds(tc.time),
  });
}

function visitSuite(suite: XmlSuite, suites: string[], suiteFile: string | undefined, walk: Walk): void {
  const here = [...suites, ...(suite.name !== undefined ? [suite.name] : [])];
  const file = suite.file ?? suiteFile;
  for (const tc of suite.testcase ?? []) visitCase(flat<XmlCase>(tc), here, file, walk);
  for (const child of suite.testsuite ?? []) visitSuite(flat<XmlSuite>(child), here, file, walk);
}

function seconds(time: string | undefined): number {
  const n = Number(time);
  return Number.isFinite(n) ? Math.round(n * 1000) : 0;
}

/** JUnit XML written by the user's own command (pytest --junitxml, node --test-reporter=junit, …). */
export const junitAdapter: TestAdapter = {
  runner: 'junit',
  plan({ command, files, junitReport }) {
    if (command === undefined || junitReport === undefined) {
      throw new ConfigError(
        'runner "junit" needs test.command and test.junitReport',
        'set both in agentctl.config.json',
      );
    }
    // reportFile is relative to the repo root here: the command, not agentctl, decides where the XML goes.
    return { argv: [...command, ...files], reportFile: junitReport };
  },
  parse(raw, ctx) {
    const walk: Walk = { ctx, tests: [], errors: [] };
    if (raw.reportText === undefined) return buildReport('junit', raw, [], [], { state: 'missing' });
    try {
      const doc = parser.parse(raw.reportText ?? '') as { testsuites?: unknown; testsuite?: unknown[] };
      // <testsuites> may hold suites and (node) bare test cases; some tools write a lone <testsuite>.
      const root = flat<XmlSuite>(doc.testsuites ?? { testsuite: doc.testsuite ?? [] });
      visitSuite({ testcase: root.testcase ?? [], testsuite: root.testsuite ?? [] }, [], undefined, walk);
    } catch (err) {
      const why = `unreadable JUnit XML: ${(err as Error).message.split('\n')[0]}`;
      return buildReport('junit', raw, walk.tests, walk.errors, { state: 'invalid', why });
    }
    return buildReport('junit', raw, walk.tests, walk.errors);
  },
};
