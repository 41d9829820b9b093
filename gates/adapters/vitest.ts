import { packageFile } from '../../src/paths.js';
import { parseRecords, recordsToReport } from './records.js';
import type { TestAdapter } from './types.js';

/**
 * vitest, read through agentctl's own reporter rather than `--reporter=json`: the JSON reporter loses a
 * failing beforeAll's error, unhandled errors, expected/actual and (vitest 4) the timeout message. The default
 * command runs vitest through vitest-launch.mjs (its API), so tests never see a reporter flag in process.argv;
 * a custom `test.command` gets the reporter as flags.
 */
export const vitestAdapter: TestAdapter = {
  runner: 'vitest',
  plan({ command, files, reportFile }) {
    const reporter = packageFile('gates', 'adapters', 'vitest-reporter.mjs');
    const argv =
      command === undefined
        ? ['node', packageFile('gates', 'adapters', 'vitest-launch.mjs'), ...files]
        : [...command, '--reporter=default', `--reporter=${reporter}`, ...files];
    return {
      argv,
      env: { AGENTCTL_REPORT_FILE: reportFile },
      reportFile,
    };
  },
  parse(raw, ctx) {
    return recordsToReport('vitest', raw, ctx, parseRecords(raw.reportText));
  },
};
