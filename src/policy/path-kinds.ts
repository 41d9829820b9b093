import picomatch from 'picomatch';
import { defaultLayout, type TestLayout } from '../../gates/runners/index.js';
import type { Config } from './config-schema.js';

/** Which kind of file a repo path is, for SCOPE and LOCK. */
export type PathKind = 'test' | 'test_config' | 'production';

/** Where tests conventionally live, whatever the runner; `paths.tests` replaces this list when set. */
export const COMMON_TEST_GLOBS = [
  '**/*.test.*',
  '**/*.spec.*',
  'test/**',
  'tests/**',
  '**/__tests__/**',
  '**/test_*.py',
];

/**
 * Classifies repo-relative paths. Tests are what `paths.tests` names (common locations by default) plus every
 * file the runner would discover as a test (from `layout`, read from the runner's own configuration), so
 * narrowing `paths.tests` cannot make a discovered test count as production code. Test configuration is every
 * runner's config files, the files they name, tool configs tests load, and `paths.testConfig`.
 */
export function pathClassifier(
  config: Pick<Config, 'test' | 'paths'>,
  layout: TestLayout = defaultLayout(config.test),
): {
  kindOf: (path: string) => PathKind;
  isTest: (path: string) => boolean;
} {
  const isTest = picomatch([...(config.paths.tests ?? COMMON_TEST_GLOBS), ...layout.tests], { dot: true });
  const isTestConfig = picomatch([...layout.testConfig, ...(config.paths.testConfig ?? [])], { dot: true });
  const named = new Set(layout.namedFiles);
  return {
    kindOf: (path: string): PathKind => {
      if (named.has(path) || isTestConfig(path)) return 'test_config';
      if (isTest(path)) return 'test';
      return 'production';
    },
    isTest: (path: string) => isTest(path),
  };
}
