import { stripAnsi, type ErrorLike } from '../classify-failure.js';
import { parseErrorText } from './report-helpers.js';

/** The error a <failure>/<error> element holds, plus the reporter's own failure label and any values. */
export interface JunitError extends ErrorLike {
  failureType?: string;
  expected?: string;
  actual?: string;
}

const CAUSE = /\bcause: (?=[\w$]+(?: \[[\w-]+\])?: )/;
// pytest prints the raising line's exception as "E   ValueError: message".
const PYTEST_E_LINE = /^E\s+([\w.]*(?:Error|Exception|Warning|Exit|Interrupt)):? ?(.*)$/gm;
// pytest ends a traceback with "path/to/file.py:12: ValueError".
const PYTEST_LAST_FRAME = /^\S+:\d+: ([\w.]+)\s*$/;

/** node's junit reporter prints the wrapper error and, under `cause:`, the original one inspected. */
function nodeCause(body: string, at: number, failureType: string | undefined): JunitError {
  const tail = body.slice(at);
  const err: JunitError = parseErrorText(tail.replace(/^ {2}/gm, ''));
  // A bracket after the name is a code only when it looks like one: "RangeError [Error]" is not.
  if (err.code !== undefined && !/^[A-Z][A-Z0-9_]+$/.test(err.code)) delete err.code;
  const code = /^\s*code: '([\w-]+)'/m.exec(tail)?.[1];
  if (code !== undefined) err.code = code;
  const expected = /^\s*expected: (.+?),?$/m.exec(tail)?.[1];
  const actual = /^\s*actual: (.+?),?$/m.exec(tail)?.[1];
  if (expected !== undefined) err.expected = expected;
  if (actual !== undefined) err.actual = actual;
  if (failureType !== undefined) err.failureType = failureType;
  return err;
}

/** Text without colour codes; pytest writes the ESC that XML cannot hold as the text `#x1B`. */
function uncoloured(text: string): string {
  return stripAnsi(text.replace(/#x1B(?=\[)/g, '\u001b'));
}

/** The error inside a <failure>/<error>: its own type and message when the text shows them, not the label. */
export function junitError(outcome: {
  message?: string | undefined;
  type?: string | undefined;
  text: string;
}): JunitError {
  const body = uncoloured(outcome.text);
  const cause = CAUSE.exec(body);
  if (cause !== null) return nodeCause(body, cause.index + cause[0].length, outcome.type);
  const message =
    outcome.message === undefined ? (body.trim().split('\n', 1)[0] ?? '') : uncoloured(outcome.message);
  const lastFrameName = body
    .trimEnd()
    .split('\n')
    .reverse()
    .map((l) => PYTEST_LAST_FRAME.exec(l)?.[1])
    .find((n) => n !== undefined);
  const eLine = [...body.matchAll(PYTEST_E_LINE)].at(-1);
  const label = /^[\w.]*(?:Error|Exception|Failure)$/.test(outcome.type ?? '') ? outcome.type : undefined;
  const header = parseErrorText(message);
  // "collection failure", "failed on setup with …": pytest's summary, the E line names the error.
  const summary = /^(?:collection failure|failed on (?:setup|teardown|call) with)/.test(message);
  const err: JunitError = {
    message:
      summary && eLine?.[2] !== undefined ? eLine[2] : header.name !== undefined ? header.message : message,
    stack: body,
  };
  const name = lastFrameName ?? eLine?.[1] ?? label ?? header.name;
  if (name !== undefined) err.name = name;
  if (outcome.type !== undefined) err.failureType = outcome.type;
  return err;
}
