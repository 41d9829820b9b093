// agentctl's node:test reporter: `node --test --test-reporter=<this file> --test-reporter-destination=<file>`.
// Writes one JSON record per test (full name path, state, duration, the ORIGINAL error) and one per error
// outside a test (a file that failed to load, a failing suite hook). Shape: gates/adapters/records.ts.
import { relative } from 'node:path';
import { inspect } from 'node:util';

const MAX_OUTPUT = 20_000;

/** Per file: the names of the tests currently started, by nesting level. */
const started = new Map();
/** Per file: what its process wrote to stderr, which is where a load error ends up. */
const stderr = new Map();

function text(value) {
  return typeof value === 'string' ? value : inspect(value, { depth: 6, breakLength: 80 });
}

// node wraps whatever a test threw in an ERR_TEST_FAILURE whose `cause` is the original value.
function errorRecord(error) {
  const cause = error?.code === 'ERR_TEST_FAILURE' && error.cause !== undefined ? error.cause : error;
  if (cause !== null && typeof cause === 'object' && 'message' in cause) {
    const rec = { name: cause.name, message: String(cause.message) };
    if (typeof cause.stack === 'string') rec.stack = cause.stack;
    if (typeof cause.code === 'string') rec.code = cause.code;
    if ('expected' in cause) rec.expected = text(cause.expected);
    if ('actual' in cause) rec.actual = text(cause.actual);
    return rec;
  }
  return { message: cause === undefined ? String(error?.message ?? 'failed') : text(cause) };
}

function isFileTest(data) {
  return (
    data.nesting === 0 &&
    data.file !== undefined &&
    (data.name === data.file || data.name === relative(process.cwd(), data.file))
  );
}

function result(failed, data) {
  const file = data.file ?? '';
  const details = data.details ?? {};
  const failureType = details.error?.failureType;
  const ownFailure = failed && failureType !== 'subtestsFailed';
  // The implicit test wrapping a whole file fails on its own only when the file did not load or exited early.
  if (isFileTest(data)) {
    if (!ownFailure) return undefined;
    return {
      kind: 'error',
      file,
      where: 'module',
      error: errorRecord(details.error),
      output: stderr.get(file),
    };
  }
  const path = [...(started.get(file) ?? []).slice(0, data.nesting), data.name];
  if (details.type === 'suite') {
    if (!ownFailure) return undefined;
    const where = failureType === 'hookFailed' ? 'hook' : 'module';
    return { kind: 'error', file, path, where, error: errorRecord(details.error) };
  }
  const todo = data.todo !== undefined && data.todo !== false;
  const skip = data.skip !== undefined && data.skip !== false;
  // A test cancelled because its suite's before() hook failed never ran: not a failure of its own.
  const cancelled = failureType === 'cancelledByParent';
  const state = todo ? 'todo' : skip ? 'skipped' : cancelled ? 'notrun' : failed ? 'failed' : 'passed';
  const rec = { kind: 'test', file, path, state, durationMs: details.duration_ms ?? 0 };
  if (state === 'failed') {
    rec.error = errorRecord(details.error);
    if (failureType === 'hookFailed') rec.where = 'hook';
    if (failureType === 'testTimeoutFailure') rec.timedOut = true;
  }
  return rec;
}

function record(type, data) {
  switch (type) {
    case 'test:start': {
      const names = started.get(data.file ?? '') ?? [];
      names.length = data.nesting;
      names.push(data.name);
      started.set(data.file ?? '', names);
      return undefined;
    }
    case 'test:stderr': {
      const file = data.file ?? '';
      stderr.set(file, ((stderr.get(file) ?? '') + data.message).slice(-MAX_OUTPUT));
      return undefined;
    }
    case 'test:pass':
      return result(false, data);
    case 'test:fail':
      return result(true, data);
    default:
      return undefined;
  }
}

/** The reporter: node passes the event stream and writes what this yields to the destination. */
export default async function* agentctlReporter(source) {
  let tests = 0;
  for await (const event of source) {
    const rec = record(event.type, event.data ?? {});
    if (rec === undefined) continue;
    if (rec.kind === 'test') tests++;
    yield `${JSON.stringify(rec)}\n`;
  }
  // The closing record: a report without it (or with anything after it) is never read as a pass.
  yield `${JSON.stringify({ kind: 'end', tests })}\n`;
}
