import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { LineInput } from '../../src/ui/line-input.js';
import { fileHistory, replHistoryPath } from '../../src/ui/repl-history.js';
import { tick, waitForFrame } from './helpers.js';

afterEach(cleanup);

const KEY = {
  left: '\u001B[D',
  right: '\u001B[C',
  up: '\u001B[A',
  down: '\u001B[B',
  home: '\u001B[H',
  end: '\u001B[F',
  ctrlLeft: '\u001B[1;5D',
  ctrlRight: '\u001B[1;5C',
  altB: '\u001Bb',
  altF: '\u001Bf',
  altD: '\u001Bd',
  altBackspace: '\u001B\u007F',
  altEnter: '\u001B\r',
  ctrlA: '\u0001',
  ctrlB: '\u0002',
  ctrlD: '\u0004',
  ctrlE: '\u0005',
  ctrlF: '\u0006',
  ctrlK: '\u000B',
  ctrlU: '\u0015',
  ctrlW: '\u0017',
  backspace: '\u007F',
  esc: '\u001B',
  enter: '\r',
  pasteStart: '\u001B[200~',
  pasteEnd: '\u001B[201~',
};

function mount(history: string[] = []) {
  const submitted: string[] = [];
  let eofs = 0;
  const app = render(
    <LineInput
      prompt="› "
      history={history}
      onSubmit={(l) => submitted.push(l)}
      onEof={() => {
        eofs += 1;
      }}
    />,
  );
  /** Sends each key as its own read, as a person typing does. */
  const keys = async (...seq: string[]) => {
    for (const k of seq) {
      app.stdin.write(k);
      await tick(3);
    }
  };
  return { ...app, submitted, keys, eofs: () => eofs };
}

/** Types `text`, then the keys, then Enter; resolves with the submitted line. */
async function edit(text: string, ...seq: string[]): Promise<string> {
  const r = mount();
  await tick();
  await r.keys(text, ...seq, KEY.enter);
  expect(r.submitted).toHaveLength(1);
  return r.submitted[0]!;
}

describe('the REPL line editor', () => {
  it('shows what is typed and submits it with Enter', async () => {
    const r = mount();
    await tick();
    await r.keys('fix the mean');
    await waitForFrame(r.lastFrame, /› fix the mean▏/);
    await r.keys(KEY.enter);
    expect(r.submitted).toEqual(['fix the mean']);
    await waitForFrame(r.lastFrame, /^› ▏$/);
  });

  it('Left and Right move the cursor; typing inserts at it', async () => {
    expect(await edit('helo', KEY.left, 'l')).toBe('hello');
    expect(await edit('abc', KEY.left, KEY.left, KEY.right, 'X')).toBe('abXc');
    expect(await edit('ab', KEY.left, KEY.left, KEY.left, 'X')).toBe('Xab');
    expect(await edit('ab', KEY.right, 'X')).toBe('abX');
  });

  it('the cursor shows where it is, mid-line', async () => {
    const r = mount();
    await tick();
    await r.keys('abc', KEY.left);
    // The bar marks the end of the line only; mid-line the character under the cursor is highlighted instead.
    await waitForFrame(r.lastFrame, /^› abc$/);
  });

  it('Home/End and Ctrl-A/Ctrl-E jump to the ends; Ctrl-B/Ctrl-F move by one', async () => {
    expect(await edit('world', KEY.home, 'hello ')).toBe('hello world');
    expect(await edit('world', KEY.ctrlA, 'hello ', KEY.end, '!')).toBe('hello world!');
    expect(await edit('world', KEY.ctrlA, KEY.ctrlE, '!')).toBe('world!');
    expect(await edit('ac', KEY.ctrlB, 'b', KEY.ctrlF, 'd')).toBe('abcd');
  });

  it('Alt-B/Alt-F and Ctrl-Left/Ctrl-Right move by words', async () => {
    expect(await edit('one two three', KEY.altB, KEY.altB, '_')).toBe('one _two three');
    expect(await edit('one two three', KEY.home, KEY.altF, '_')).toBe('one_ two three');
    expect(await edit('one two three', KEY.ctrlLeft, '_')).toBe('one two _three');
    expect(await edit('one two three', KEY.home, KEY.ctrlRight, KEY.ctrlRight, '_')).toBe('one two_ three');
  });

  it('Ctrl-U kills to the start, Ctrl-K to the end, Ctrl-W the word before the cursor', async () => {
    expect(await edit('abc def', KEY.left, KEY.left, KEY.left, KEY.ctrlU)).toBe('def');
    expect(await edit('abc def', KEY.altB, KEY.ctrlK)).toBe('abc ');
    expect(await edit('git commit -m', KEY.ctrlW)).toBe('git commit ');
    expect(await edit('git commit  ', KEY.ctrlW)).toBe('git ');
    expect(await edit('a-b c', KEY.altBackspace)).toBe('a-b ');
    expect(await edit('one two', KEY.home, KEY.altD)).toBe(' two');
  });

  it('Backspace erases before the cursor; Ctrl-D deletes under it; Esc changes nothing', async () => {
    expect(await edit('abcd', KEY.left, KEY.backspace)).toBe('abd');
    expect(await edit('abcd', KEY.home, KEY.ctrlD)).toBe('bcd');
    expect(await edit('abcd', KEY.esc)).toBe('abcd');
  });

  it('Ctrl-D on an empty line is end of input; on a non-empty line it is not', async () => {
    const r = mount();
    await tick();
    await r.keys('x', KEY.ctrlD); // at the end of a non-empty line: nothing to delete
    expect(r.eofs()).toBe(0);
    await r.keys(KEY.backspace, KEY.ctrlD);
    expect(r.eofs()).toBe(1);
    expect(r.submitted).toEqual([]);
  });

  it('Up and Down walk the history, keeping the line being typed', async () => {
    const r = mount(['first task', 'second task']);
    await tick();
    await r.keys('draft');
    await r.keys(KEY.up);
    await waitForFrame(r.lastFrame, /› second task▏/);
    await r.keys(KEY.up);
    await waitForFrame(r.lastFrame, /› first task▏/);
    await r.keys(KEY.up); // the oldest stays
    await waitForFrame(r.lastFrame, /› first task▏/);
    await r.keys(KEY.down);
    await waitForFrame(r.lastFrame, /› second task▏/);
    await r.keys(KEY.down);
    await waitForFrame(r.lastFrame, /› draft▏/);
    await r.keys(KEY.up, ' again', KEY.enter);
    expect(r.submitted).toEqual(['second task again']);
  });

  it('a bracketed multi-line paste is kept whole as one line to submit, newlines included', async () => {
    const r = mount();
    await tick();
    await r.keys('task: ');
    r.stdin.write(`${KEY.pasteStart}average() of []\rshould be 0\r\n  not NaN${KEY.pasteEnd}`);
    const frame = await waitForFrame(r.lastFrame, /not NaN▏/);
    expect(frame).toBe('› task: average() of []\n  should be 0\n    not NaN▏');
    expect(r.submitted).toEqual([]);
    await r.keys(KEY.enter);
    expect(r.submitted).toEqual(['task: average() of []\nshould be 0\n  not NaN']);
  });

  it('a paste that arrives in pieces, Enter keys inside it, is still one line', async () => {
    const r = mount();
    await tick();
    await r.keys(KEY.pasteStart, 'one', KEY.enter, 'two', KEY.enter, KEY.pasteEnd);
    await waitForFrame(r.lastFrame, /› one\n {2}two\n {2}▏/);
    expect(r.submitted).toEqual([]);
    await r.keys(KEY.backspace, KEY.enter);
    expect(r.submitted).toEqual(['one\ntwo']);
  });

  it('without bracketed paste, a block in one read is kept whole and its final newline submits it', async () => {
    const r = mount();
    await tick();
    r.stdin.write('line one\rline two\r');
    await tick();
    expect(r.submitted).toEqual(['line one\nline two']);
  });

  it('control keys that arrive in one read with other keys all count', async () => {
    const r = mount();
    await tick();
    await r.keys('abc def');
    r.stdin.write(`${KEY.ctrlA}${KEY.ctrlK}new${KEY.ctrlE}!${KEY.backspace}?`);
    await waitForFrame(r.lastFrame, /› new\?▏/);
    r.stdin.write(`${KEY.ctrlU}x\r`);
    await tick();
    expect(r.submitted).toEqual(['x']);
  });

  it('Alt-Enter starts a new line by hand; Left crosses it', async () => {
    expect(await edit('ab', KEY.altEnter, 'cd', KEY.left, KEY.left, KEY.left, 'X')).toBe('abX\ncd');
  });

  it('a very long line is shown within the rows it is given', async () => {
    const app = render(<LineInput prompt="› " onSubmit={() => undefined} maxRows={3} />);
    await tick();
    app.stdin.write(
      `${KEY.pasteStart}${Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n')}${KEY.pasteEnd}`,
    );
    const frame = await waitForFrame(app.lastFrame, /line 39▏/);
    expect(frame.split('\n')).toHaveLength(3);
    expect(frame).toContain('(38 more rows not shown · Enter sends all 40 lines)');
  });
});

describe('REPL history on disk', () => {
  it('lives in agentctl’s cache directory', () => {
    expect(replHistoryPath({ AGENTCTL_CACHE_DIR: '/c/agentctl' })).toBe('/c/agentctl/repl-history.jsonl');
    expect(replHistoryPath({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/agentctl/repl-history.jsonl');
  });

  it('keeps lines across sessions, multi-line ones whole, skips repeats and keeps only the newest', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'agentctl-history-')), 'sub', 'history.jsonl');
    const first = fileHistory(file, 3);
    expect(first.load()).toEqual([]);
    first.append('one');
    first.append('two\nlines');
    first.append('two\nlines');
    first.append('three');
    first.append('');
    expect(fileHistory(file, 3).load()).toEqual(['one', 'two\nlines', 'three']);
    fileHistory(file, 3).append('four');
    expect(fileHistory(file, 3).load()).toEqual(['two\nlines', 'three', 'four']);
    // A torn line (a crash mid-write by an older version) costs that line only.
    await writeFile(file, (await readFile(file, 'utf8')) + '{"torn\n42\n');
    expect(fileHistory(file, 3).load()).toEqual(['two\nlines', 'three', 'four']);
  });

  it('a history that cannot be written never stops the REPL', async () => {
    // A directory that is really a file: every write fails.
    const blocker = join(await mkdtemp(join(tmpdir(), 'agentctl-history-')), 'not-a-dir');
    await writeFile(blocker, '');
    const store = fileHistory(join(blocker, 'history.jsonl'));
    expect(() => store.append('x')).not.toThrow();
    expect(store.load()).toEqual([]);
  });
});
