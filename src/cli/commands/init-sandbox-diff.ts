import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { execa } from 'execa';
import { adapterFor } from '../../../gates/adapters/index.js';
import type { TestRun } from '../../../gates/run-tests.js';
import {
  filesByPart,
  pathInPart,
  repoPathOf,
  suiteParts,
  type SuitePart,
} from '../../../gates/runners/suite.js';
import { underDir } from '../../../gates/runners/suite-report.js';
import { scrubEnv } from '../../../sandbox/env-scrub.js';
import type { TestCase, TestReport } from '../../core/report.js';
import type { Config } from '../../policy/config-schema.js';

/** One thing agentctl's test runs change against the user's own shell. */
export type SandboxChange = 'env' | 'home' | 'tmp' | 'network' | 'readonly_deps' | 'host_files';

/** A change, what it means for a test, and how a project lives with it. */
export interface SandboxDifference {
  change: SandboxChange;
  what: string;
  fix: string;
  /** For `env`: the variables of the user's environment a test does not get, by name (never their values). */
  names?: string[];
}

/** A test that failed in agentctl's run and passed when re-run outside it. */
export interface SandboxOnlyFailure {
  id: string;
  file: string;
  /** The first line of its failure inside the sandbox. */
  message: string;
  /** The changes its failure or its file point at (empty: none stood out, see `differences`). */
  likely: SandboxChange[];
  /** Dropped variables its file or failure names. */
  variables: string[];
}

/** What re-running the failing test files outside the sandbox showed. */
export interface SandboxDiff {
  /** The test files re-run, with the user's environment and HOME, no isolation. */
  reran: string[];
  outside: { passed: number; failed: number; durationMs: number; problem?: string };
  /** Tests that fail only in the sandbox: the sandbox's doing, not the code's. */
  failures: SandboxOnlyFailure[];
  /** Every change the sandbox made for this run. */
  differences: SandboxDifference[];
}

/** What the sandboxed run changed: whether it was isolated and which variables the scrub dropped. */
export interface SandboxFacts {
  sandboxed: boolean;
  droppedEnv: string[];
  userHome: string;
}

const NETWORK =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|getaddrinfo|fetch failed|name resolution/;
const READ_ONLY = /EROFS|read-only file system/i;
const HOME_USE = /\bhomedir\b|\bHOME\b|expanduser|Path\.home\(|USERPROFILE|~\//;

/** The differences a run had, in the order a reader should check them. */
export function differencesOf(facts: SandboxFacts): SandboxDifference[] {
  const list: SandboxDifference[] = [];
  if (facts.droppedEnv.length > 0)
    list.push({
      change: 'env',
      what: `${facts.droppedEnv.length} variable${facts.droppedEnv.length === 1 ? '' : 's'} of your environment are not passed to tests (only PATH, locale, TERM, TZ, CI, colour settings, toolchain homes and CA bundle paths are)`,
      fix: 'give a test what it needs in agentctl.config.json: "test": { "env": { "NAME": "value" } } (a test value, never a real secret)',
      names: facts.droppedEnv,
    });
  list.push(
    {
      change: 'home',
      what: `HOME is a private, empty directory: nothing of ${facts.userHome} is visible`,
      fix: 'have the test create what it reads (a temp dir as HOME), or point the tool at a file in the repository through test.env',
    },
    {
      change: 'tmp',
      what: '/tmp (TMPDIR) is private and empty for every run',
      fix: 'have the test create its temporary files itself',
    },
  );
  if (facts.sandboxed)
    list.push(
      {
        change: 'network',
        what: 'there is no network: connections and name lookups fail',
        fix: 'serve what the test needs from a local server it starts, or a fake; a test that needs the internet cannot pass under agentctl',
      },
      {
        change: 'readonly_deps',
        what: 'installed dependencies (node_modules, .venv) are read-only',
        fix: 'send caches a tool writes to the worktree or /tmp (its cache directory variable in test.env)',
      },
      {
        change: 'host_files',
        what: 'only the repository, its dependencies and the system toolchain are visible; other paths of this machine are not',
        fix: 'keep what tests read inside the repository',
      },
    );
  return list;
}

function failureText(test: TestCase): string {
  const f = test.failure;
  return f === undefined ? '' : [f.message, f.stack ?? '', f.expected ?? '', f.actual ?? ''].join('\n');
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w$])${name.replace(/[$]/g, '\\$')}(?![\\w$])`).test(text);
}

const TEST_CALL = /\b(?:test|it|specify)(?:\.\w+)?\s*\(/g;

/** The part of a test file that defines `name` (from its title to the next test call), else the whole file. */
export function testSource(source: string, name: string): string {
  const title = name.split(' > ').at(-1) ?? name;
  const quoted = [`'${title}'`, `"${title}"`, `\`${title}\``]
    .map((q) => source.indexOf(q))
    .filter((i) => i >= 0);
  if (quoted.length === 0) return source;
  const start = Math.min(...quoted);
  TEST_CALL.lastIndex = start;
  const next = TEST_CALL.exec(source);
  return source.slice(start, next === null ? source.length : next.index);
}

/** Why one test likely fails only inside: from its failure text and the source that defines it. */
function likelyCauses(
  test: TestCase,
  fileSource: string,
  facts: SandboxFacts,
): { likely: SandboxChange[]; variables: string[] } {
  const text = failureText(test);
  const source = testSource(fileSource, test.name);
  const variables = facts.droppedEnv.filter((n) => mentions(text, n) || mentions(source, n));
  const likely: SandboxChange[] = [];
  if (variables.length > 0) likely.push('env');
  if (HOME_USE.test(source) || (facts.userHome !== '' && text.includes(facts.userHome))) likely.push('home');
  if (facts.sandboxed && NETWORK.test(text)) likely.push('network');
  if (facts.sandboxed && READ_ONLY.test(text)) likely.push('readonly_deps');
  return { likely, variables };
}

/**
 * Compares the sandboxed run with the re-run outside (pure): the tests that failed inside and passed outside,
 * each with the changes that likely explain it. `sources` holds the test files' text by repo path.
 */
export function compareRuns(
  inside: TestReport,
  outside: TestReport,
  facts: SandboxFacts,
  sources: ReadonlyMap<string, string>,
): SandboxOnlyFailure[] {
  const passedOutside = new Set(outside.tests.filter((t) => t.state === 'passed').map((t) => t.id));
  const tests = inside.tests
    .filter((t) => t.state === 'failed' && passedOutside.has(t.id))
    .map((t) => ({
      id: t.id,
      file: t.file,
      message: t.failure?.message.split('\n', 1)[0] ?? '',
      ...likelyCauses(t, sources.get(t.file) ?? '', facts),
    }));
  // A file that failed to load inside, and loaded with passing tests outside, is listed under its own path.
  const loadsOutside = new Set(outside.tests.filter((t) => t.state === 'passed').map((t) => t.file));
  const brokenOutside = new Set(outside.collectionErrors.map((e) => e.file));
  const files = inside.collectionErrors
    .filter((e) => e.file !== '' && loadsOutside.has(e.file) && !brokenOutside.has(e.file))
    .map((e) => {
      const failure = {
        class: e.class,
        message: e.message,
        ...(e.stack !== undefined ? { stack: e.stack } : {}),
      };
      const asTest: TestCase = {
        id: e.file,
        file: e.file,
        name: e.file,
        state: 'failed',
        durationMs: 0,
        failure,
      };
      return {
        id: e.file,
        file: e.file,
        message: `fails to load: ${e.message.split('\n', 1)[0] ?? ''}`,
        ...likelyCauses(asTest, sources.get(e.file) ?? '', facts),
      };
    });
  return [...tests, ...files];
}

/** The test files to re-run: those of failing tests and those that failed to load. */
export function filesToRerun(report: TestReport): string[] {
  const failing = report.tests.filter((t) => t.state === 'failed').map((t) => t.file);
  const broken = report.collectionErrors.map((e) => e.file);
  return [...new Set([...failing, ...broken])].filter((f) => f !== '');
}

/** The user's environment as their shell would give their tests, without agentctl's own settings. */
function userEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && !name.startsWith('AGENTCTL_')) env[name] = value;
  return env;
}

/** Names the scrub drops from the user's environment (HOME is replaced, not dropped; test.env adds back). */
export function droppedNames(env: NodeJS.ProcessEnv, projectEnv: Record<string, string>): string[] {
  const kept = scrubEnv(env);
  return Object.keys(env)
    .filter((n) => env[n] !== undefined && !(n in kept) && !(n in projectEnv))
    .filter((n) => n !== 'HOME' && !n.startsWith('AGENTCTL_'))
    .sort();
}

/** Runs `files` in `dir` as the user's own shell would: their environment and HOME, no sandbox. */
async function runOutside(
  dir: string,
  config: Config,
  files: string[],
  isTestFile: (path: string) => boolean,
): Promise<TestReport> {
  // Each part of the suite (the root, or each workspace package) runs its own files in its own folder.
  const { groups } = filesByPart(suiteParts(config.test), files);
  const reports: TestReport[] = [];
  for (const { part, files: own } of groups) {
    const local = own.map((f) => pathInPart(part, f) ?? f);
    const report = await runPartOutside(join(dir, part.dir), config, part, local, (p) =>
      isTestFile(repoPathOf(part, p)),
    );
    reports.push(underDir(report, part.dir));
  }
  const [first, ...rest] = reports;
  if (first === undefined) throw new Error('no part of the suite holds the files to re-run');
  return rest.reduce(
    (all, r) => ({
      ...all,
      tests: [...all.tests, ...r.tests],
      collectionErrors: [...all.collectionErrors, ...r.collectionErrors],
      outputTail: [all.outputTail, r.outputTail].filter((t) => t !== '').join('\n'),
    }),
    first,
  );
}

async function runPartOutside(
  dir: string,
  config: Config,
  part: SuitePart,
  files: string[],
  isTestFile: (path: string) => boolean,
): Promise<TestReport> {
  const adapter = adapterFor(part.runner);
  const scratch = await mkdtemp(join(tmpdir(), 'agentctl-outside-'));
  try {
    const spec = adapter.plan({
      ...(part.command !== undefined ? { command: part.command } : {}),
      files,
      reportFile: join(scratch, 'report'),
      ...(part.junitReport !== undefined ? { junitReport: part.junitReport } : {}),
    });
    const [file = 'false', ...args] = spec.argv;
    const started = Date.now();
    const result = await execa(file, args, {
      cwd: dir,
      env: { ...userEnv(), ...spec.env, ...part.env },
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: config.test.timeoutMs,
      forceKillAfterDelay: 2_000,
      maxBuffer: config.sandbox.maxOutputBytes,
    });
    const reportPath =
      spec.reportFile === undefined
        ? undefined
        : isAbsolute(spec.reportFile)
          ? spec.reportFile
          : join(dir, spec.reportFile);
    const reportText =
      reportPath === undefined ? undefined : await readFile(reportPath, 'utf8').catch(() => undefined);
    return adapter.parse(
      {
        argv: spec.argv,
        exitCode: result.exitCode ?? null,
        stdout: String(result.stdout ?? ''),
        stderr: String(result.stderr ?? ''),
        timedOut: result.timedOut,
        durationMs: Date.now() - started,
        ...(reportText !== undefined && reportText !== '' ? { reportText } : {}),
      },
      { cwd: dir, isTestFile, files },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * When the sandboxed suite run had failing tests, re-runs their files once outside the sandbox, in the same
 * scratch tree, with the user's own environment: this is the user's unchanged code, run at init at the
 * user's request before any model is involved. Undefined when nothing failed.
 */
export async function sandboxDiff(
  dir: string,
  config: Config,
  isTestFile: (path: string) => boolean,
  inside: TestRun,
): Promise<SandboxDiff | undefined> {
  const files = filesToRerun(inside.report);
  if (files.length === 0) return undefined;
  const outside = await runOutside(dir, config, files, isTestFile);
  const facts: SandboxFacts = {
    sandboxed: inside.exec.sandboxed,
    droppedEnv: droppedNames(userEnv(), config.test.env ?? {}),
    userHome: process.env.HOME ?? homedir(),
  };
  const sources = new Map<string, string>();
  for (const file of files) sources.set(file, await readFile(join(dir, file), 'utf8').catch(() => ''));
  const failures = compareRuns(inside.report, outside, facts, sources);
  const count = (state: string) => outside.tests.filter((t) => t.state === state).length;
  return {
    reran: files,
    outside: {
      passed: count('passed'),
      failed: count('failed'),
      durationMs: outside.durationMs ?? 0,
      ...(outside.problem !== undefined ? { problem: outside.problem.message } : {}),
    },
    failures,
    differences: differencesOf(facts),
  };
}

/** The init report's lines for tests that fail only in the sandbox; none when there are none. */
export function sandboxDiffLines(diff: SandboxDiff | undefined): string[] {
  if (diff === undefined || diff.failures.length === 0) return [];
  const byChange = new Map(diff.differences.map((d) => [d.change, d]));
  const lines = [
    `Fails only in the sandbox (passed when re-run outside it, with your environment and HOME): agentctl's doing, not your code's. Gates hold these aside too, but no change to them can be proven until they pass here:`,
  ];
  for (const f of diff.failures.slice(0, 10)) {
    const why = f.likely.map((c) =>
      c === 'env' ? `needs ${f.variables.join(', ')} (not passed to tests)` : (byChange.get(c)?.what ?? c),
    );
    lines.push(`  ${f.id}: ${f.message}`, `    likely: ${why.length > 0 ? why.join('; ') : 'see below'}`);
  }
  if (diff.failures.length > 10) lines.push(`  … and ${diff.failures.length - 10} more`);
  const involved = new Set(diff.failures.flatMap((f) => f.likely));
  const named = [...new Set(diff.failures.flatMap((f) => f.variables))];
  const shown = diff.differences.filter((d) => involved.size === 0 || involved.has(d.change));
  lines.push('What the sandbox changes, and how to fix it:');
  for (const d of shown) {
    if (d.change === 'env' && named.length > 0) {
      // Names only, and only those the failing tests use: the full list is in --json.
      const example = named.map((n) => `"${n}": "<a test value>"`).join(', ');
      lines.push(
        `  - ${d.what}; the tests above use ${named.join(', ')}: add ${named.length === 1 ? 'it' : 'them'} to agentctl.config.json as "test": { "env": { ${example} } } (never a real secret)`,
      );
    } else lines.push(`  - ${d.what}: ${d.fix}`);
  }
  return lines;
}
