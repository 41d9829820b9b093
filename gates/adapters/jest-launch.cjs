'use strict';
// agentctl's jest launcher: `node jest-launch.cjs [files...]`, report path in AGENTCTL_REPORT_FILE.
// Runs the project's own jest through its programmatic API (runCLI) so no reporter flag (`--json`,
// `--outputFile`) ever reaches process.argv, which tests running in jest's process can read: process.argv is
// what a plain `jest <files>` would show. Writes the same JSON as `jest --json`, in one write.
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports */
const { writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');

const files = process.argv.slice(2);
const out = process.env.AGENTCTL_REPORT_FILE;
// The tests (in jest's workers, or in this process with runInBand) never see where the report goes.
delete process.env.AGENTCTL_REPORT_FILE;
const fromProject = createRequire(join(process.cwd(), 'package.json'));

function resolveJest() {
  try {
    return { api: fromProject.resolve('jest'), bin: fromProject.resolve('jest/bin/jest') };
  } catch {
    return undefined;
  }
}

// The shape `jest --json` writes (formatTestResults), for the fields the adapter reads.
function formatFile(r) {
  const failed = r.testExecError !== undefined || r.numFailingTests > 0;
  const message = r.failureMessage ?? r.testExecError?.message ?? '';
  const status = r.skipped ? 'skipped' : failed ? 'failed' : r.numPendingTests > 0 ? 'focused' : 'passed';
  return { name: r.testFilePath, status, message, assertionResults: r.testResults ?? [] };
}

// failureDetails can hold cycles (an error's cause pointing back at it); jest's own --json drops them too.
function safeStringify(value) {
  const seen = new WeakSet();
  return JSON.stringify(value, (_key, v) => {
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return undefined;
    seen.add(v);
    return v;
  });
}

async function main() {
  const jest = resolveJest();
  if (jest === undefined) {
    // Said at once, before anything could try to fetch jest from a registry.
    process.stderr.write('agentctl: jest is not installed here: run npm install\n');
    process.exitCode = 127;
    return;
  }
  process.argv = [process.argv[0], jest.bin, ...files];
  const { runCLI } = require(jest.api);
  const argv = { _: files, $0: 'jest', testLocationInResults: true };
  if (files.length > 0) argv.runTestsByPath = true;
  const { results } = await runCLI(argv, [process.cwd()]);
  const report = { success: results.success, testResults: results.testResults.map(formatFile) };
  if (out) writeFileSync(out, safeStringify(report));
  process.exitCode = results.success ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
