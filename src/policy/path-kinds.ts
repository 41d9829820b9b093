import picomatch from 'picomatch';
import type { Config } from './config-schema.js';

/** Which kind of file a repo path is, for SCOPE and LOCK. */
export type PathKind = 'test' | 'test_config' | 'production';

/** Classifies repo-relative paths by the config's globs. */
export function pathClassifier(paths: Config['paths']): {
  kindOf(path: string): PathKind;
  isTest(path: string): boolean;
} {
  const isTest = picomatch(paths.tests, { dot: true });
  const isTestConfig = picomatch(paths.testConfig, { dot: true });
  return {
    kindOf(path: string): PathKind {
      if (isTestConfig(path)) return 'test_config';
      if (isTest(path)) return 'test';
      return 'production';
    },
    isTest: (path: string) => isTest(path),
  };
}
