'use strict';
// agentctl's mocha reporter: `mocha --reporter <this file> --reporter-option output=<file>`.
// mocha's json and tap reporters join suite titles with spaces, losing where a describe name ends; this one
// writes test.titlePath() and the raw error as the JSON-lines records of gates/adapters/records.ts.
// CommonJS because mocha loads reporters with require().
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports */
const { appendFileSync, writeFileSync } = require('node:fs');
const { inspect } = require('node:util');

const EACH_HOOK = /^"(?:before|after) each" hook/;

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

function testRecord(test, state) {
  return { kind: 'test', file: fileOf(test), path: test.titlePath(), state, durationMs: test.duration ?? 0 };
}

function allTests(suite) {
  return [...suite.tests, ...suite.suites.flatMap(allTests)];
}

/** The reporter constructor mocha instantiates. */
function AgentctlMochaReporter(runner, options) {
  const out =
    options?.reporterOption?.output ?? options?.reporterOptions?.output ?? process.env.AGENTCTL_REPORT_FILE;
  const emit = (rec) => {
    if (out) appendFileSync(out, `${JSON.stringify(rec)}\n`);
  };
  if (out) writeFileSync(out, '');
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
  });
}

module.exports = AgentctlMochaReporter;
