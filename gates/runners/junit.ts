import { junitAdapter } from '../adapters/junit.js';
import type { RunnerProfile } from './types.js';

/** Any command that writes JUnit XML: never detected, configured by hand with test.command and test.junitReport. */
export const junitProfile: RunnerProfile = {
  runner: 'junit',
  detect: () => Promise.resolve(null),
  defaultCommand: null,
  defaultTests: [],
  configFiles: [],
  packageKeys: [],
  layout: () => Promise.resolve({ tests: [], namedFiles: [], source: 'paths.tests (the command decides)' }),
  caches: [],
  adapter: junitAdapter,
};
