// agentctl's vitest reporter: `vitest run --reporter=<this file>`, report path in AGENTCTL_REPORT_FILE (or given
// to the constructor as `{ output }` by vitest-launch.mjs, which keeps the variable out of the tests' sight).
// vitest's JSON reporter drops what the gates need (a suite hook's error, unhandled errors, a file's load
// error stack, expected/actual, the timeout message), so this walks the task tree itself and writes the
// JSON-lines records of gates/adapters/records.ts. Works with vitest 1-4 (onFinished, then onTestRunEnd).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Set up in every test worker: deep stacks, so a hook's frames still show under a deep production call chain.
const STACK_DEPTH = fileURLToPath(new URL('./vitest-stack-depth.mjs', import.meta.url));

// A failure raised by a hook: vitest runs hooks through these functions of its runner.
const HOOK_FRAME = /at (?:runHook|callSuiteHook|callTestHooks|callCleanupHooks) \(.*@vitest[\\/]runner/;

function text(value) {
  if (value === undefined || typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function errorRecord(error) {
  if (error === null || typeof error !== 'object') return { message: String(error) };
  const rec = { name: error.name ?? error.nameStr, message: String(error.message ?? '') };
  const stack = error.stack ?? error.stackStr;
  if (typeof stack === 'string') rec.stack = stack;
  if (typeof error.code === 'string') rec.code = error.code;
  if (error.expected !== undefined) rec.expected = text(error.expected);
  if (error.actual !== undefined) rec.actual = text(error.actual);
  return rec;
}

function testState(task, underFailedSuite) {
  const state = task.result?.state;
  if (task.mode === 'todo' || state === 'todo') return 'todo';
  if (state === 'pass') return 'passed';
  if (state === 'fail') return 'failed';
  // vitest marks the tests of a suite whose beforeAll failed as skipped; they did not run.
  if (underFailedSuite) return 'notrun';
  return 'skipped';
}

function visit(task, path, file, records, underFailedSuite) {
  for (const child of task.tasks ?? []) {
    const childPath = [...path, child.name];
    if (child.type === 'suite') {
      const errors = child.result?.errors ?? [];
      for (const error of errors)
        records.push({ kind: 'error', file, path: childPath, where: 'hook', error: errorRecord(error) });
      visit(child, childPath, file, records, underFailedSuite || errors.length > 0);
      continue;
    }
    const state = testState(child, underFailedSuite);
    const rec = { kind: 'test', file, path: childPath, state, durationMs: child.result?.duration ?? 0 };
    const error = child.result?.errors?.[0];
    if (state === 'failed' && error !== undefined) {
      rec.error = errorRecord(error);
      if (HOOK_FRAME.test(rec.error.stack ?? '')) rec.where = 'hook';
    }
    records.push(rec);
  }
}

function fileRecords(file) {
  const records = [];
  const errors = file.result?.errors ?? [];
  // Errors on the file itself: it failed to load (no tests collected) or a top-level beforeAll/afterAll failed.
  const where = (file.tasks ?? []).length > 0 ? 'hook' : 'module';
  for (const error of errors)
    records.push({ kind: 'error', file: file.filepath, where, error: errorRecord(error) });
  visit(file, [], file.filepath, records, errors.length > 0);
  return records;
}

/** The reporter class vitest instantiates. */
export default class AgentctlVitestReporter {
  written = false;

  constructor(options) {
    this.output = options?.output ?? process.env.AGENTCTL_REPORT_FILE;
  }

  // Node keeps 10 frames, and vitest's hook runner sits deeper than that under a beforeEach; jest and mocha
  // deepen stacks themselves. First, so a project's own setup file can still set a limit of its own.
  onInit(vitest) {
    for (const project of vitest?.projects ?? []) {
      const setupFiles = project?.config?.setupFiles;
      if (Array.isArray(setupFiles) && !setupFiles.includes(STACK_DEPTH)) setupFiles.unshift(STACK_DEPTH);
    }
  }

  onTestRunEnd(testModules, unhandledErrors) {
    this.write(
      testModules.map((m) => m.task),
      unhandledErrors,
    );
  }

  onFinished(files, errors) {
    this.write(files ?? [], errors ?? []);
  }

  write(files, unhandled) {
    const out = this.output;
    if (this.written || out === undefined || out === '') return;
    this.written = true;
    const records = files.flatMap(fileRecords);
    for (const error of unhandled ?? []) {
      records.push({
        kind: 'error',
        file: error?.VITEST_TEST_PATH,
        where: 'unhandled',
        error: errorRecord(error),
      });
    }
    const tests = records.filter((r) => r.kind === 'test').length;
    records.push({ kind: 'end', tests });
    // One write, to exactly the path given (a file or a pipe such as /dev/fd/3).
    writeFileSync(out, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
}
