import { EventEmitter } from 'node:events';
import type { ReactElement } from 'react';
import { createTwoFilesPatch } from 'diff';
import { render as inkRender } from 'ink';
import type { PatchRef } from '../../src/core/evidence.js';
import { initialState, type RunState } from '../../src/core/state.js';
import type { ReviewRequest } from '../../src/runtime/context.js';

/** Lets ink subscribe its input handlers (they attach in effects) and paint. */
export function tick(ms = 20): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls the frame until it matches, so tests wait on what the user would see, not on a fixed sleep. */
export async function waitForFrame(
  lastFrame: () => string | undefined,
  pattern: RegExp,
  timeoutMs = 3000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (pattern.test(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`frame never matched ${pattern}:\n${frame}`);
    await tick(10);
  }
}

const CALC_BEFORE = [
  '/** Adds up a list of numbers. */',
  'export function sum(numbers) {',
  '  let total = 0;',
  '  for (const n of numbers) {',
  '    total += n;',
  '  }',
  '  return total;',
  '}',
  '',
  '/** The arithmetic mean of a list of numbers; 0 for an empty list. */',
  'export function average(numbers) {',
  '  return sum(numbers) / numbers.length;',
  '}',
  '',
].join('\n');

function patchRef(diff: string, files: string[], summary: string): PatchRef {
  return { sha: 'c0ffee'.padEnd(64, '1'), diff, files, summary, changedLines: 4 };
}

/** A GREEN review request with two files and three hunks, as the runtime would hand it over. */
export function sampleRequest(): ReviewRequest {
  const calcAfter = CALC_BEFORE.replace('  let total = 0;', '  let total = 0; // start').replace(
    '  return sum(numbers) / numbers.length;',
    '  if (numbers.length === 0) {\n    return 0;\n  }\n  return sum(numbers) / numbers.length;',
  );
  const longBefore = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const longAfter = longBefore.replace('line 2\n', 'line two\n').replace('line 25\n', 'line twenty-five\n');
  const diff =
    createTwoFilesPatch(
      'a/src/calc.js',
      'b/src/calc.js',
      CALC_BEFORE.replace('  let total = 0; // start', ''),
      calcAfter,
      undefined,
      undefined,
      { context: 1 },
    ) +
    createTwoFilesPatch('a/src/notes.txt', 'b/src/notes.txt', longBefore, longAfter, undefined, undefined, {
      context: 1,
    });
  const test = createTwoFilesPatch(
    '/dev/null',
    'b/test/average-empty.test.js',
    '',
    "test('average of an empty list is 0', ...)\n",
  );
  return {
    runId: '20260101-000000-abcdef',
    task: 'average() of an empty list should return 0, not NaN',
    patch: {
      ...patchRef(diff, ['src/calc.js', 'src/notes.txt'], 'Return 0 for an empty list.'),
      sha: 'ab12cd34ef56'.padEnd(64, '7'),
    },
    testPatch: patchRef(test, ['test/average-empty.test.js'], 'Add a test'),
    red: {
      ok: true,
      reason: 'red',
      message: 'RED: 1 new test fails by assertion',
      newTestIds: ['test/average-empty.test.js > average of an empty list is 0'],
      failures: [
        {
          id: 'test/average-empty.test.js > average of an empty list is 0',
          class: 'assertion',
          message: 'Expected values to be strictly equal:\n\nNaN !== 0\n',
        },
      ],
      reportSha: 'r'.repeat(64),
    },
    green: {
      ok: true,
      reason: 'green',
      message: 'GREEN: the new test passes and the full suite passes (5 tests)',
      failures: [],
      reportSha: 'g'.repeat(64),
      reverted: [],
      preexistingFailures: [],
    },
  };
}

class NarrowStdout extends EventEmitter {
  frames: string[] = [];
  isTTY: boolean;
  constructor(
    readonly columns: number,
    readonly rows: number,
    tty = false,
  ) {
    super();
    this.isTTY = tty;
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
}

class KeyStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  /** Delivers `data` as one read, as a terminal does for a key or a paste. */
  write(data: string) {
    this.data = data;
    this.emit('readable');
  }
}

/** Renders into a terminal of the given width (ink-testing-library's is fixed at 100 columns). */
export function renderAt(columns: number, tree: ReactElement) {
  const stdout = new NarrowStdout(columns, 40);
  const app = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new KeyStdin() as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { app, lastFrame: () => stdout.frames.at(-1) ?? '' };
}

/**
 * Renders into a pretend TTY of `columns` × `rows`, the way ink draws on a real one (log-update, not debug
 * frames), keeping every byte written: what a terminal would receive, clear-screen sequences included.
 */
export function renderTerminal(columns: number, rows: number, tree: ReactElement) {
  const stdout = new NarrowStdout(columns, rows, true);
  const stdin = new KeyStdin();
  const app = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { app, stdin, written: () => stdout.frames.join('') };
}

/** The default budgets, for states built in tests. */
export const LIMITS = {
  maxTurns: 40,
  maxInputTokens: 2_000_000,
  maxOutputTokens: 200_000,
  maxCostUsd: 5,
  maxWallMs: 3_600_000,
};

/** A state in `phase`; the evidence fields a later phase needs are irrelevant to what the UI shows. */
export function stateIn(phase: RunState['phase'], extra: Partial<RunState> = {}): RunState {
  const s = initialState({ runId: 'r1', task: 'fix it', maxAttempts: 3, limits: LIMITS });
  return { ...s, step: 1, ...extra, phase } as RunState;
}
