import { packageFile } from '../../src/paths.js';
import { parseRecords, recordsToReport } from './records.js';
import type { TestAdapter } from './types.js';

/** node:test (`node --test`), read through agentctl's own reporter, which keeps the original errors. */
export const nodeTestAdapter: TestAdapter = {
  runner: 'node',
  plan({ command, files, reportFile }) {
    const reporter = packageFile('gates', 'adapters', 'node-test-reporter.mjs');
    return {
      argv: [
        ...(command ?? ['node', '--test']),
        `--test-reporter=${reporter}`,
        `--test-reporter-destination=${reportFile}`,
        // A second, human reporter keeps stdout readable for the evidence bundle.
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        ...files,
      ],
      reportFile,
    };
  },
  parse(raw, ctx) {
    return recordsToReport('node', raw, ctx, parseRecords(raw.reportText));
  },
};
