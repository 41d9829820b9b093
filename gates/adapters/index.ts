import type { Runner } from '../../src/policy/config-schema.js';
import { profileFor } from '../runners/index.js';
import type { TestAdapter } from './types.js';

export type { AdapterContext, RawRun, RunSpec, TestAdapter } from './types.js';

/** The adapter that runs and reads the configured test runner (each runner's profile names it). */
export function adapterFor(runner: Runner): TestAdapter {
  return profileFor(runner).adapter;
}
