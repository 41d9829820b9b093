import { packageFile } from '../../src/paths.js';
import { classifyError } from '../classify-failure.js';
import { trimStack } from '../stack-frames.js';
import { parseRecords, recordsToReport } from './records.js';
import { errorFromOutput, repoFile } from './report-helpers.js';
import type { TestAdapter } from './types.js';

// Own reporter, not TAP or `--reporter json`: both join describe titles with spaces, so ids lose their structure.
const REPORTER = ['gates', 'adapters', 'mocha-reporter.cjs'] as const;

/**
 * mocha, read through agentctl's own reporter; a file that fails to load aborts mocha's whole run. The default
 * command runs mocha through mocha-launch.cjs, so the tests (in mocha's own process) never see `--reporter` in
 * process.argv; a custom `test.command` gets the reporter as a flag.
 */
export const mochaAdapter: TestAdapter = {
  runner: 'mocha',
  plan({ command, files, reportFile }) {
    const argv =
      command === undefined
        ? ['node', packageFile('gates', 'adapters', 'mocha-launch.cjs'), ...files]
        : [...command, '--reporter', packageFile(...REPORTER), ...files];
    // Not --reporter-option output=…: mocha splits option values on ',' and '='.
    return { argv, env: { AGENTCTL_REPORT_FILE: reportFile }, reportFile };
  },
  parse(raw, ctx) {
    const report = recordsToReport('mocha', raw, ctx, parseRecords(raw.reportText));
    // mocha prints "Exception during run: <error>" when a spec file fails to load, then stops: no reporter output.
    const at = raw.stderr.indexOf('Exception during run:');
    const err =
      at === -1
        ? undefined
        : errorFromOutput(raw.stderr.slice(at + 'Exception during run:'.length).trimStart());
    if (err === undefined) return report;
    const cls = classifyError(err, { where: 'module', isTestFile: ctx.isTestFile, cwd: ctx.cwd });
    const stack = trimStack(err.stack);
    const loadError = {
      file: repoFile(err.file, ctx.cwd),
      class: cls,
      message: err.message,
      ...(stack ? { stack } : {}),
    };
    // The load error explains the missing report: it replaces the generic run-level error added for want of any.
    const others = report.collectionErrors.filter((e) => !(e.file === '' && e.class === 'unknown'));
    const { problem, ...rest } = report;
    const missing = problem?.kind === 'runner_missing' ? { problem } : {};
    return { ...rest, ...missing, collectionErrors: [loadError, ...others] };
  },
};
