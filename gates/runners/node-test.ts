import { nodeTestAdapter } from '../adapters/node-test.js';
import type { RunnerProfile } from './types.js';

const JS = '?(c|m)js';
// What `node --test` discovers when given no paths (Node 20+).
const DEFAULT_TESTS = [
  `**/*.test.${JS}`,
  `**/*-test.${JS}`,
  `**/*_test.${JS}`,
  `**/test-*.${JS}`,
  `**/test.${JS}`,
  `**/test/**/*.${JS}`,
];
const NODE_TEST = /\bnode\s+(?:--[\w=./-]+\s+)*--test\b/;

/** node:test: found by `node --test` in the "test" script; discovers files by Node's naming rules. */
export const nodeTestProfile: RunnerProfile = {
  runner: 'node',
  detect(project) {
    const scripts = project.pkg?.scripts ?? {};
    if (NODE_TEST.test(scripts.test ?? ''))
      return Promise.resolve({ strength: 3, why: 'package.json "test" script runs node --test' });
    const other = Object.entries(scripts).find(([, s]) => NODE_TEST.test(s));
    return Promise.resolve(
      other === undefined ? null : { strength: 2, why: `package.json script "${other[0]}" runs node --test` },
    );
  },
  defaultCommand: ['node', '--test'],
  defaultTests: DEFAULT_TESTS,
  configFiles: [],
  packageKeys: [],
  layout: () =>
    Promise.resolve({ tests: DEFAULT_TESTS, namedFiles: [], source: "node --test's naming rules" }),
  caches: [],
  adapter: nodeTestAdapter,
};
