import { junitAdapter } from './junit.js';
import type { TestAdapter } from './types.js';

/** pytest, read through the JUnit XML it writes with `--junitxml` to a file agentctl names. */
export const pytestAdapter: TestAdapter = {
  runner: 'pytest',
  plan({ command, files, reportFile }) {
    return {
      argv: [...(command ?? ['python3', '-m', 'pytest', '-q']), `--junitxml=${reportFile}`, ...files],
      reportFile,
    };
  },
  parse(raw, ctx) {
    return { ...junitAdapter.parse(raw, ctx), runner: 'pytest' };
  },
};
