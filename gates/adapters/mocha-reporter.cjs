'use strict';
// agentctl's mocha reporter: `mocha --reporter <this file>`, report path in AGENTCTL_REPORT_FILE (a file or a
// pipe such as /dev/fd/3: opened once, written as a stream, closed by one {"kind":"end"} record).
// mocha's json and tap reporters join suite titles with spaces, losing where a describe name ends; this one
// writes test.titlePath() and the raw error as the JSON-lines records of gates/adapters/records.ts.
// CommonJS because mocha loads reporters with require().
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports */
const { closeSync, openSync, writeSync } = require('node:fs');
const { inspect } = require('node:util');

const EACH_HOOK = /^"(?:before|after) each" hook/;
// Read when the module loads: mocha-launch.cjs loads it first, then takes the variable out of the tests' sight.
const REPORT_FILE = process.env.AGENTCTL_REPORT_FILE;

function text(value) {
  return typeof value === 'string' ? value : inspect(value, { depth: 6, breakLength: 80 });
}

function errorRecord(err) {
  if (err === null || typeof err !== 'object') return { message: String(err) };
  const rec = { name: err.name, message: String(err.message ?? '') };
  if (typeof err.stack === 'string') rec.stack = err.stack;
  if (typeof err.code === 'string') rec.code = err.code;
  if ('expected' in err) rec.expected = text(err.expected);
  if ('actual' in err) rec.actual = text(err.actual);
  return rec;
}

function fileOf(runnable) {
  return runnable.file ?? runnable.parent?.file;
}

// mocha can report one test object twice; a serial per object keeps that apart from two tests sharing a name.
const uids = new WeakMap();
let nextUid = 0;
function uidOf(test) {
  if (!uids.has(test)) uids.set(test, String(++nextUid));
  return uids.get(test);
}

function testRecord(test, state) {
  const rec = { kind: 'test', uid: uidOf(test), file: fileOf(test), path: test.titlePath(), state };
  return { ...rec, durationMs: test.duration ?? 0 };
}

function allTests(suite) {
  return [...suite.tests, ...suite.suites.flatMap(allTests)];
}

/** The reporter constructor mocha instantiates. */
function AgentctlMochaReporter(runner, options) {
  const out = options?.reporterOption?.output ?? options?.reporterOptions?.output ?? REPORT_FILE;
  const fd = out ? openSync(out, 'w') : undefined;
  let tests = 0;
  const emit = (rec) => {
    if (rec.kind === 'test') tests++;
    if (fd !== undefined) writeSync(fd, `${JSON.stringify(rec)}\n`);
  };
  const reported = new Set();
  const report = (test, rec) => {
    reported.add(test);
    emit(rec);
  };

  runner.on('pass', (test) => report(test, testRecord(test, 'passed')));
  runner.on('pending', (test) => report(test, testRecord(test, 'skipped')));
  runner.on('fail', (runnable, err) => {
    const error = errorRecord(err);
    if (runnable.type === 'test') {
      const timedOut = err?.code === 'ERR_MOCHA_TIMEOUT';
      report(runnable, { ...testRecord(runnable, 'failed'), error, ...(timedOut ? { timedOut } : {}) });
      return;
    }
    const current = runnable.ctx?.currentTest;
    if (runnable.type === 'hook' && EACH_HOOK.test(runnable.title) && current) {
      report(current, { ...testRecord(current, 'failed'), where: 'hook', error });
      return;
    }
    // A before/after all hook, or mocha's "Uncaught error outside test suite".
    const where = runnable.type === 'hook' ? 'hook' : 'unhandled';
    emit({ kind: 'error', file: fileOf(runnable), path: runnable.parent?.titlePath?.() ?? [], where, error });
  });
  // Tests a failed hook (or --bail) kept from running: report them so their ids do not vanish.
  runner.once('end', () => {
    for (const test of allTests(runner.suite)) if (!reported.has(test)) emit(testRecord(test, 'notrun'));
    if (fd === undefined) return;
    writeSync(fd, `${JSON.stringify({ kind: 'end', tests })}\n`);
    closeSync(fd);
  });
}

module.exports = AgentctlMochaReporter;
