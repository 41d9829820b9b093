import { realpath } from 'node:fs/promises';
import { classifyChange } from '../../gates/behavior-change.js';
import { testConfigPart } from '../../gates/lock-scope.js';
import type { TestRun } from '../../gates/run-tests.js';
import { fileInTree, repoRoot } from '../git/repo.js';
import type { Config } from '../policy/config-schema.js';
import { CONFIG_FILE, loadConfig, parseConfig } from '../policy/config.js';
import { pathClassifier } from '../policy/path-kinds.js';
import { readLayout } from '../../gates/runners/index.js';
import { treeView } from '../../gates/runners/repo-view.js';
import { buildVerdict } from './checks.js';
import { changedFiles, mergeBase, resolveCommit, type ChangedFile } from './git-changes.js';
import { redOnBase, redTestFiles, type BaseJudgement } from './red-on-base.js';
import { declaredCounts } from './red-judge.js';
import { changedExpectations } from './changed-expectations.js';
import { checkoutPaths, closeScratch, openScratch, runIn, type Scratch } from './scratch.js';
import { dataConsumers, declaredTests, diffTests, type TestDiff } from './test-diff.js';
import type { CiVerdict } from './verdict.js';

/** What `agentctl ci check` was asked. */
export interface CiCheckOptions {
  cwd: string;
  base: string;
  /** Defaults to HEAD. */
  head?: string;
  allowTestChanges?: boolean;
  progress?: (message: string) => void;
}

/** The suites the check ran: base's full suite, the RED judgements, head's full suite. */
export interface SuiteRuns {
  baseFull: TestRun;
  headFull: TestRun;
  judged: BaseJudgement[];
}

/** Sources whose tests agentctl reads (JS/TS through the TypeScript parser, Python by pytest's rules). */
const READABLE = /\.(?:[cm]?[jt]sx?|py)$/;

/** The base commit's policy, so a pull request cannot loosen what counts as a test; else the checkout's. */
async function ciConfig(root: string, fork: string): Promise<Config> {
  const text = await fileInTree(root, fork, CONFIG_FILE);
  return text === null ? loadConfig(root) : parseConfig(text, `${CONFIG_FILE} (at ${fork.slice(0, 12)})`);
}

interface SideInput {
  root: string;
  fork: string;
  head: string;
  config: Config;
  isTest: (path: string) => boolean;
  diff: TestDiff;
  testSide: ChangedFile[];
  production: ChangedFile[];
  needsEvidence: boolean;
  progress: (message: string) => void;
}

/**
 * Unchanged test files on head that import a changed test file declaring no test (a table of cases, a
 * fixture): they go into the test diff unchanged, so the tests their data drives count as changed.
 */
async function dataSpecs(
  root: string,
  head: string,
  tests: readonly ChangedFile[],
  isTest: (path: string) => boolean,
): Promise<{ files: ChangedFile[]; bindings: Map<string, string[]> }> {
  const data = tests
    .filter((f) => f.status !== 'deleted')
    .filter((f) => f.after === null || declaredTests(f.after, f.path).length === 0)
    .map((f) => f.path);
  if (data.length === 0) return { files: [], bindings: new Map() };
  const changed = new Set(tests.map((f) => f.path));
  const paths = (await treeView(root, head)).files.filter(
    (p) => isTest(p) && READABLE.test(p) && !changed.has(p),
  );
  const specs: Array<{ path: string; text: string }> = [];
  for (const path of paths) {
    const text = await fileInTree(root, head, path);
    if (text !== null) specs.push({ path, text });
  }
  const bindings = dataConsumers(data, specs);
  const files = specs
    .filter((s) => bindings.has(s.path))
    .map((s): ChangedFile => ({ path: s.path, status: 'modified', before: s.text, after: s.text }));
  return { files, bindings };
}

/**
 * Three scratch worktrees, run in parallel: base's full suite (the tests it collects), head's tests on base's
 * production code (RED), head's full suite (GREEN).
 */
async function runSides(input: SideInput): Promise<SuiteRuns> {
  const { config, isTest, progress, diff } = input;
  const scratches: Scratch[] = [];
  const open = async (sha: string, label: string) => {
    const scratch = await openScratch(input.root, sha, label);
    scratches.push(scratch);
    return scratch;
  };
  const full = async (sha: string, label: 'base' | 'head') => {
    const scratch = await open(sha, label);
    progress(`running the full suite on ${label} ${sha.slice(0, 12)}`);
    return runIn(scratch, config, isTest, []);
  };
  const onBase = full(input.fork, 'base');
  const testFiles = input.testSide.filter((f) => isTest(f.path));
  const onRed = async (): Promise<BaseJudgement[]> => {
    if (!input.needsEvidence || redTestFiles(diff, testFiles).length === 0) return [];
    const scratch = await open(input.fork, 'red');
    const present = input.testSide.filter((f) => f.status !== 'deleted').map((f) => f.path);
    await checkoutPaths(scratch, input.head, present);
    const baseIds = onBase.then((run) => new Set(run.report.tests.map((t) => t.id)));
    // Its failure is reported through onBase; RED may stop before it ever awaits it.
    baseIds.catch(() => undefined);
    const baseErrors = onBase.then((run) => run.report.collectionErrors);
    baseErrors.catch(() => undefined);
    const red = {
      expectations: {
        changes: changedExpectations(diff, testFiles),
        allowed: config.tests.allowChangedExpectations,
      },
      baseErrors,
      scratch,
      config,
      isTestFile: isTest,
      diff,
      testFiles,
      production: input.production,
      baseIds,
      progress,
    };
    return redOnBase(red, declaredCounts(diff.head));
  };
  try {
    // Settle all before cleaning up, so a failure on one side never pulls a worktree from under another.
    const [baseFull, judged, headFull] = await Promise.allSettled([
      onBase,
      onRed(),
      full(input.head, 'head'),
    ]);
    return { baseFull: settled(baseFull), judged: settled(judged), headFull: settled(headFull) };
  } finally {
    // One at a time: each removal prunes git's worktree list.
    for (const s of scratches) await closeScratch(s);
  }
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/**
 * `agentctl ci check`: classifies what a pull request changed, and when it changes behavior asks for a new or
 * changed test that fails on base for the right reason and passes on head; checks that no test was deleted,
 * skipped or weakened, and that the full suite passes on head. Usage and config errors throw (exit 2).
 */
export async function runCiCheck(opts: CiCheckOptions): Promise<CiVerdict> {
  const progress = opts.progress ?? (() => undefined);
  const root = await realpath(await repoRoot(opts.cwd));
  const base = await resolveCommit(root, opts.base);
  const head = await resolveCommit(root, opts.head ?? 'HEAD');
  const fork = await mergeBase(root, base, head);
  const config = await ciConfig(root, fork);
  const layout = await readLayout(config.test, await treeView(root, fork));
  const { kindOf, isTest } = pathClassifier(config, layout);
  // package.json and pyproject.toml are read too: a change to their test keys is test configuration.
  const files = await changedFiles(
    root,
    fork,
    head,
    (p) => READABLE.test(p) || testConfigPart(p, null) !== null,
  );
  const changes = files.map((f) => classifyChange(f, kindOf));
  const of = (category: string) => files.filter((_, i) => changes[i]!.category === category);
  const consumers = await dataSpecs(root, head, of('test'), isTest);
  const diff = diffTests(
    [...of('test').filter((f) => READABLE.test(f.path)), ...consumers.files],
    consumers.bindings,
  );
  const codeChanged = changes.some((c) => c.category !== 'non_code');
  const runs = codeChanged
    ? await runSides({
        root,
        fork,
        head,
        config,
        isTest,
        diff,
        testSide: [...of('test'), ...of('test_config'), ...consumers.files],
        production: of('production'),
        needsEvidence: changes.some((c) => c.behaviorChanging),
        progress,
      })
    : null;
  return buildVerdict({
    base,
    head,
    fork,
    files,
    changes,
    diff,
    runs,
    allowTestChanges: opts.allowTestChanges ?? false,
  });
}
