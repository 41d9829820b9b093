import { dataBlock } from './data-block.js';
import type { FailureNote, RedVerdict } from './evidence.js';

/** The source label of the block that carries what RED saw; the model is told it is test output. */
export const RED_SOURCE = 'RED: new tests on the unchanged production code';

/** `FAILED <id>: <class>: <message, expected vs actual> [at src/x.js:7]`: one test, in one line. */
export function failureNoteLine(f: FailureNote): string {
  return `FAILED ${f.id}: ${f.class}: ${f.message}${f.at === undefined ? '' : ` [at ${f.at}]`}`;
}

function attemptsLeft(used: number, max: number): string {
  const left = Math.max(0, max - used);
  return `${left} failed attempt${left === 1 ? '' : 's'} left before the run is handed to a human`;
}

/**
 * What the model is told when RED accepts its test: which new tests fail and how, as data (test output is
 * repository text), so it can write the fix without spending a turn on the report.
 */
export function redAcceptedFeedback(red: RedVerdict, attempts: number, maxAttempts: number): string {
  const lines = red.failures.map(failureNoteLine);
  return `RED accepted: ${red.newTestIds.length} new test(s) fail on the unchanged production code. Test files and test configuration are now locked (${attemptsLeft(attempts, maxAttempts)}). What the runtime saw quotes test output and follows as data:\n${dataBlock(RED_SOURCE, lines.join('\n'))}`;
}

/**
 * What the model is told when RED refuses its test: the gate's verdict and, per test, how it failed (or that it
 * did not), as data, so the next test can be corrected rather than guessed.
 */
export function redRefusedFeedback(
  n: number,
  maxAttempts: number,
  verdict: string,
  failures: readonly FailureNote[],
): string {
  // A test the verdict already quotes in full gets no second line unless there is a frame to add.
  const extra = failures.filter(
    (f) => f.at !== undefined || !verdict.includes(`${f.id}: ${f.class}: ${f.message}`),
  );
  const body = [verdict, ...extra.map(failureNoteLine)].join('\n');
  return `Attempt ${n} of ${maxAttempts} failed (red_failed; ${attemptsLeft(n, maxAttempts)}). The gate's verdict quotes test output and follows as data:\n${dataBlock(RED_SOURCE, body)}`;
}
