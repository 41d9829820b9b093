import { inspect } from 'node:util';
import type { CollectionError, RunProblem, TestCase, TestReport } from '../../src/core/report.js';
import { stripAnsi } from '../classify-failure.js';
import type { ErrorLike } from '../classify-failure.js';
import { toRepoPath } from '../stack-frames.js';
import { packageFile } from '../../src/paths.js';
import type { RawRun } from './types.js';

/**
 * The default command for a runner that has no launcher of its own: the project's installed bin, run through
 * bin-launch.mjs, which says at once when it is not installed (`npx` would try to fetch it from the registry).
 */
export function binCommand(pkg: string): string[] {
  return ['node', packageFile('gates', 'adapters', 'bin-launch.mjs'), pkg];
}

/** `<file> > <describe...> > <test>`, as TestCase.id defines it. */
export function testId(file: string, path: readonly string[]): string {
  return (file === '' ? path : [file, ...path]).join(' > ');
}

/** A runner's file path as a repo-relative path; paths outside the repo are kept as given. */
export function repoFile(file: string | undefined, cwd: string): string {
  if (file === undefined || file === '') return '';
  return toRepoPath(file, cwd) ?? file.split('\\').join('/');
}

/** A runner value (expected/actual) as display text: strings as they are, anything else as JSON. */
export function toText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  try {
    // JSON.stringify gives undefined for functions and symbols.
    return JSON.stringify(value, null, 2) ?? inspect(value);
  } catch {
    return inspect(value);
  }
}

const HEADER = /^\s*([A-Za-z_$][\w$.]*)(?: \[([\w-]+)\])?: ?(.*)$/;
const FRAME = /^\s+at \S/;

/** Splits "Name [CODE]: message\n    at …" text (a stack, a failure message) into its parts. */
export function parseErrorText(text: string): ErrorLike {
  const clean = stripAnsi(text);
  const lines = clean.split('\n');
  const firstFrame = lines.findIndex((l) => FRAME.test(l));
  const head = (firstFrame === -1 ? lines : lines.slice(0, firstFrame)).join('\n').trim();
  const m = HEADER.exec(head.split('\n', 1)[0] ?? '');
  const name = m?.[1];
  const err: ErrorLike = { message: head, stack: clean };
  if (m !== null && name !== undefined && /^(?:[\w$.]*(?:Error|Exception)|Error)$/.test(name)) {
    err.name = name;
    if (m[2] !== undefined) err.code = m[2];
    err.message = [m[3] ?? '', ...head.split('\n').slice(1)].join('\n').trim();
  }
  return err;
}

const OUTPUT_ERROR =
  /^(?:Uncaught )?([A-Za-z_$][\w$]*(?:Error|Exception)|Error)(?: ?\[([\w-]+)\])?(?:\[ @(.+?) \])?: (.*)$/m;

/** The error a crashed process printed (node's "Error [CODE]: message" block), with its stack, if any. */
export function errorFromOutput(output: string): (ErrorLike & { file?: string }) | undefined {
  const clean = stripAnsi(output);
  const m = OUTPUT_ERROR.exec(clean);
  if (m === null) return undefined;
  const rest = clean.slice(m.index);
  const err: ErrorLike & { file?: string } = { name: m[1] ?? 'Error', message: m[4] ?? '', stack: rest };
  if (m[2] !== undefined) err.code = m[2];
  const code = /^\s*code: '([\w-]+)'/m.exec(rest)?.[1];
  if (err.code === undefined && code !== undefined) err.code = code;
  const file = m[3] ?? /imported from (\S+)/.exec(m[4] ?? '')?.[1];
  if (file !== undefined) err.file = file;
  return err;
}

/** Expected and actual values from a line diff, given which sign marks the actual side. */
export function valuesFromDiff(diff: string, actualSign: '-' | '+'): { expected: string; actual: string } {
  const expected: string[] = [];
  const actual: string[] = [];
  for (const line of diff.split('\n')) {
    const sign = line[0];
    const body = line.slice(2);
    if (sign === actualSign) actual.push(body);
    else if (sign === '-' || sign === '+') expected.push(body);
    else if (line.startsWith('  ') || line === '') {
      actual.push(body);
      expected.push(body);
    }
  }
  return { expected: expected.join('\n').trim(), actual: actual.join('\n').trim() };
}

/** Jest-style "Expected: x / Received: y" message text, when a runner gives no structured values. */
export function valuesFromMessage(message: string): { expected: string; actual: string } | undefined {
  const m = /Expected[^:\n]*:\s*\n?\s*(.+)\n\s*Received[^:\n]*:\s*\n?\s*(.+)/.exec(stripAnsi(message));
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  return { expected: m[1].trim(), actual: m[2].trim() };
}

/** The last few thousand characters of the run's output, for the evidence bundle. */
export function outputTail(raw: RawRun, max = 4000): string {
  const text = stripAnsi([raw.stdout, raw.stderr].filter((s) => s.trim() !== '').join('\n'));
  return text.length > max ? text.slice(text.length - max) : text;
}

/** Whether the runner's machine-readable report could be read: a missing or unusable one proves nothing. */
export type ReportReading = { state: 'ok' } | { state: 'missing' } | { state: 'invalid'; why: string };

// npx's words when it would have to download the tool (npm 7+: "canceled due to missing packages", older:
// "could not determine executable"), registry failures, and our launchers' own refusal.
const NOT_INSTALLED = [
  /npx canceled due to missing packages/,
  /could not determine executable to run/,
  /npm (?:ERR!|error) code (?:E404|EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ETIMEDOUT)\b/,
  /^agentctl: (\S+) is not installed here/m,
  /No module named pytest\b/,
];
const INSTALL_HINT: Record<string, string> = { pytest: 'python3 -m pip install pytest', junit: 'install it' };

/** The argv as one shell-like line, quoting what a shell would split. */
export function commandLine(argv: readonly string[] | undefined): string | undefined {
  if (argv === undefined || argv.length === 0) return undefined;
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The last lines of what the runner printed, stderr last since that is where runners say why they stopped. */
export function problemTail(raw: RawRun, maxLines = 20, maxChars = 2000): string {
  const text = stripAnsi([raw.stdout, raw.stderr].filter((s) => s.trim() !== '').join('\n'));
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const tail = lines.slice(-maxLines).join('\n');
  return tail.length > maxChars ? tail.slice(tail.length - maxChars) : tail;
}

/** Why the run proves nothing, if it does not: the runner missing, no report, an unusable one, or no tests. */
function problemOf(
  runner: string,
  raw: RawRun,
  reading: ReportReading,
  collected: number,
  errors: number,
): RunProblem | undefined {
  if (raw.timedOut || raw.interrupted === true) return undefined;
  const command = commandLine(raw.argv);
  const ran = `\`${command ?? runner}\` ${raw.exitCode === null ? 'was killed by a signal' : `exited with code ${raw.exitCode}`}`;
  const outputTail = problemTail(raw);
  const output = `${raw.stdout}\n${raw.stderr}`;
  if (reading.state !== 'ok' && NOT_INSTALLED.some((re) => re.test(output))) {
    const hint = INSTALL_HINT[runner] ?? 'run npm install';
    return {
      kind: 'runner_missing',
      message: `${runner} is not installed here: ${hint} (${ran})`,
      outputTail,
    };
  }
  if (reading.state === 'missing')
    return { kind: 'no_report', message: `${runner} wrote no test report: ${ran}`, outputTail };
  if (reading.state === 'invalid')
    return {
      kind: 'bad_report',
      message: `${runner}'s test report is unusable (${reading.why}): ${ran}`,
      outputTail,
    };
  if (collected === 0 && errors === 0)
    return {
      kind: 'no_tests',
      message: `${runner} collected no tests (0 tests collected): ${ran}`,
      outputTail,
    };
  return undefined;
}

/**
 * Keeps tests apart whose names repeat in one file: the second gets ` #2`, the third ` #3`, in the order the
 * runner reported them (definition order), so the same test has the same id on every run.
 */
export function uniqueIds(tests: readonly TestCase[]): TestCase[] {
  const seen = new Map<string, number>();
  return tests.map((t) => {
    const n = (seen.get(t.id) ?? 0) + 1;
    seen.set(t.id, n);
    return n === 1 ? t : { ...t, id: `${t.id} #${n}`, name: `${t.name} #${n}` };
  });
}

/**
 * Assembles the report and makes sure a failed run never looks clean: a killed run, a non-zero exit with no
 * failing test and no collection error, and a run that proves nothing (see RunProblem) each become a
 * collection error of their own.
 */
export function buildReport(
  runner: string,
  raw: RawRun,
  tests: TestCase[],
  collectionErrors: CollectionError[],
  reading: ReportReading = { state: 'ok' },
): TestReport {
  const errors = [...collectionErrors];
  const problem = problemOf(runner, raw, reading, tests.length, collectionErrors.length);
  if (raw.timedOut) {
    errors.push({
      file: '',
      class: 'timeout',
      message: 'the test command was killed: it ran past its time limit',
    });
  } else if (problem !== undefined) {
    errors.push({ file: '', class: 'unknown', message: problem.message });
  } else if (
    raw.exitCode !== 0 &&
    raw.interrupted !== true &&
    errors.length === 0 &&
    !tests.some((t) => t.state === 'failed')
  ) {
    const reason = raw.exitCode === null ? 'was killed by a signal' : `exited with code ${raw.exitCode}`;
    const detail = errorFromOutput(raw.stderr) ?? errorFromOutput(raw.stdout);
    errors.push({
      file: '',
      class: 'unknown',
      message: `${runner} ${reason} but reported no failing test${detail ? `: ${detail.message}` : ''}`,
    });
  }
  const command = commandLine(raw.argv);
  return {
    runner,
    exitCode: raw.exitCode,
    interrupted: raw.interrupted ?? false,
    timedOut: raw.timedOut,
    collectionErrors: errors,
    tests: uniqueIds(tests),
    durationMs: raw.durationMs,
    outputTail: outputTail(raw),
    ...(command !== undefined ? { command } : {}),
    ...(problem !== undefined ? { problem } : {}),
  };
}
