import type { Runner } from '../../src/policy/config-schema.js';
import { avaAdapter } from './ava.js';
import { jestAdapter } from './jest.js';
import { junitAdapter } from './junit.js';
import { mochaAdapter } from './mocha.js';
import { nodeTestAdapter } from './node-test.js';
import { pytestAdapter } from './pytest.js';
import type { TestAdapter } from './types.js';
import { vitestAdapter } from './vitest.js';

export type { AdapterContext, RawRun, RunSpec, TestAdapter } from './types.js';

/** The adapter that runs and reads the configured test runner. */
export function adapterFor(runner: Runner): TestAdapter {
  switch (runner) {
    case 'vitest':
      return vitestAdapter;
    case 'jest':
      return jestAdapter;
    case 'node':
      return nodeTestAdapter;
    case 'mocha':
      return mochaAdapter;
    case 'ava':
      return avaAdapter;
    case 'junit':
      return junitAdapter;
    case 'pytest':
      return pytestAdapter;
    default: {
      const unknown: never = runner;
      throw new Error(`unknown test runner: ${String(unknown)}`);
    }
  }
}
