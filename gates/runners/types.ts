import type { TestAdapter } from '../adapters/types.js';
import type { Runner } from '../../src/policy/config-schema.js';

/** A read-only view of a repository: its files and their contents, from disk or from a git tree. */
export interface RepoView {
  /** Every file, repo-relative with forward slashes (dependency and VCS folders left out). */
  files: readonly string[];
  /** A file's text, or null when it is absent or unreadable. */
  read: (path: string) => Promise<string | null>;
}

/** package.json as far as runner detection reads it. */
export interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: string[] | { packages?: string[] };
  [key: string]: unknown;
}

/** What detection sees of one project folder. */
export interface ProjectFacts {
  /** Parsed package.json, or null when there is none. */
  pkg: PackageJson | null;
  /** Files of the project, relative to the project folder. */
  files: readonly string[];
  read: (path: string) => Promise<string | null>;
}

/** Why a runner was detected, and how strongly: 3 the test script runs it, 2 its configuration, 1 a hint. */
export interface Detection {
  strength: 1 | 2 | 3;
  why: string;
}

/** Which files a runner treats as tests and which files its configuration names, as read from the repo. */
export interface TestLayout {
  /** Globs of files the runner would discover as tests. */
  tests: string[];
  /** Globs of files that configure the runner (locked once tests are). */
  testConfig: string[];
  /** Exact files the runner's configuration loads: setup files, required modules, a referenced tsconfig. */
  namedFiles: string[];
  /** Where the test globs came from, e.g. `"files" in package.json "ava"` or "ava's defaults". */
  source: string;
}

/** Everything agentctl knows about one test runner. */
export interface RunnerProfile {
  runner: Runner;
  /** Whether a project folder uses this runner, and why; null when nothing points at it. */
  detect(project: ProjectFacts): Promise<Detection | null>;
  /** argv prefix that runs the whole suite, without report flags; null when the user must give one. */
  defaultCommand: string[] | null;
  /** The runner's documented default test globs, used when its configuration says nothing readable. */
  defaultTests: string[];
  /** Globs of files that configure this runner, wherever they sit in the repo. */
  configFiles: string[];
  /** Keys of package.json this runner reads its configuration from. */
  packageKeys: string[];
  /** Test globs and named files read from the runner's own configuration (defaults when unreadable). */
  layout(repo: RepoView): Promise<Pick<TestLayout, 'tests' | 'namedFiles' | 'source'>>;
  /** Folders the runner writes caches or temporary files to, relative to the project folder. */
  caches: string[];
  /** Runs the runner and reads its results. */
  adapter: TestAdapter;
}
