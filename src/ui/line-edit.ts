import type { Key } from 'ink';

/**
 * A line being typed: its text, the cursor (in code points), where the user is in the history of earlier lines
 * (null: not browsing it, `draft` keeps what they had typed), and a bracketed paste still arriving.
 */
export interface LineState {
  value: string;
  pos: number;
  browsing: number | null;
  draft: string;
  paste: string | null;
}

export const EMPTY_LINE: LineState = { value: '', pos: 0, browsing: null, draft: '', paste: null };

/** What one key press did to the line. */
export type LineAction =
  | { kind: 'edit'; state: LineState }
  | { kind: 'submit'; line: string }
  | { kind: 'cancel' }
  | { kind: 'eof' }
  | { kind: 'ignore' };

// What ink hands useInput for the bracketed-paste markers \x1b[200~ and \x1b[201~ (the escape is stripped).
const PASTE_START = '[200~';
const PASTE_END = '[201~';

const chars = (s: string): string[] => Array.from(s);
const isWord = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/u.test(c);

/** Where Alt-B lands: the start of the word before the cursor. */
export function wordLeft(value: string, pos: number): number {
  const cs = chars(value);
  let i = pos;
  while (i > 0 && !isWord(cs[i - 1])) i--;
  while (i > 0 && isWord(cs[i - 1])) i--;
  return i;
}

/** Where Alt-F lands: the end of the word after the cursor. */
export function wordRight(value: string, pos: number): number {
  const cs = chars(value);
  let i = pos;
  while (i < cs.length && !isWord(cs[i])) i++;
  while (i < cs.length && isWord(cs[i])) i++;
  return i;
}

/** Where Ctrl-W kills back to: over blanks, then over everything up to the previous blank (as in bash). */
function spaceWordLeft(value: string, pos: number): number {
  const cs = chars(value);
  let i = pos;
  while (i > 0 && isSpace(cs[i - 1])) i--;
  while (i > 0 && !isSpace(cs[i - 1])) i--;
  return i;
}

/** Terminals send CR for a newline in pastes; the line keeps LF. Other control characters would corrupt the frame. */
function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  );
}

function replace(s: LineState, from: number, to: number, text: string): LineState {
  const cs = chars(s.value);
  const value = cs.slice(0, from).join('') + text + cs.slice(to).join('');
  return { ...s, value, pos: from + chars(text).length };
}

function moveTo(s: LineState, pos: number): LineAction {
  return pos === s.pos ? { kind: 'ignore' } : { kind: 'edit', state: { ...s, pos } };
}

function edited(s: LineState, next: LineState): LineAction {
  return next.value === s.value && next.pos === s.pos ? { kind: 'ignore' } : { kind: 'edit', state: next };
}

/** The text a key stands for while a bracketed paste is arriving: ink may hand a paste over in pieces. */
function pastedText(input: string, key: Key): string {
  if (key.return) return '\n';
  if (key.tab) return '\t';
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.escape) return '';
  if (key.backspace || key.delete) return '';
  return input;
}

function recall(s: LineState, index: number | null, history: readonly string[]): LineAction {
  const value = index === null ? s.draft : (history[index] ?? '');
  const draft = s.browsing === null ? s.value : s.draft;
  return {
    kind: 'edit',
    state: { ...s, value, pos: chars(value).length, browsing: index, draft: index === null ? '' : draft },
  };
}

function onHistoryKey(s: LineState, key: Key, history: readonly string[]): LineAction {
  if (key.upArrow) {
    if (history.length === 0 || s.browsing === 0) return { kind: 'ignore' };
    return recall(s, (s.browsing ?? history.length) - 1, history);
  }
  if (s.browsing === null) return { kind: 'ignore' };
  const next = s.browsing + 1;
  return recall(s, next >= history.length ? null : next, history);
}

function onCtrlKey(s: LineState, letter: string): LineAction {
  const end = chars(s.value).length;
  switch (letter) {
    case 'a':
      return moveTo(s, 0);
    case 'e':
      return moveTo(s, end);
    case 'b':
      return moveTo(s, Math.max(0, s.pos - 1));
    case 'f':
      return moveTo(s, Math.min(end, s.pos + 1));
    case 'u':
      return edited(s, replace(s, 0, s.pos, ''));
    case 'k':
      return edited(s, replace(s, s.pos, end, ''));
    case 'w':
      return edited(s, replace(s, spaceWordLeft(s.value, s.pos), s.pos, ''));
    case 'd':
      // As in a shell: Ctrl-D on an empty line is end of input; elsewhere it deletes under the cursor.
      if (s.value === '') return { kind: 'eof' };
      return edited(s, replace(s, s.pos, Math.min(end, s.pos + 1), ''));
    case 'h':
      return edited(s, replace(s, Math.max(0, s.pos - 1), s.pos, ''));
    default:
      return { kind: 'ignore' };
  }
}

function onMetaKey(s: LineState, input: string, key: Key): LineAction {
  if (key.return) return edited(s, replace(s, s.pos, s.pos, '\n'));
  if (input === 'b' || key.leftArrow) return moveTo(s, wordLeft(s.value, s.pos));
  if (input === 'f' || key.rightArrow) return moveTo(s, wordRight(s.value, s.pos));
  if (input === 'd') return edited(s, replace(s, s.pos, wordRight(s.value, s.pos), ''));
  if (key.backspace || key.delete) return edited(s, replace(s, wordLeft(s.value, s.pos), s.pos, ''));
  return { kind: 'ignore' };
}

/**
 * Applies one key press to a line, readline style: typing at the cursor, Left/Right, Home/End, Ctrl-A/E/B/F,
 * Alt-B/F (and Alt or Ctrl with the arrows) by words, kills with Ctrl-U/K/W and Alt-D/Alt-Backspace, Up/Down
 * through `history`, Enter to submit, Alt-Enter for a newline, Esc to cancel, Ctrl-D on an empty line for end
 * of input. A bracketed paste is kept whole, newlines included, until its end marker arrives. Pure, so the
 * caller can keep the line in a ref and stay correct when several key events arrive before React re-renders.
 */
export function editLine(s: LineState, input: string, key: Key, history: readonly string[]): LineAction {
  if (s.paste !== null) {
    if (input === PASTE_END) {
      const text = cleanText(s.paste);
      return { kind: 'edit', state: { ...replace(s, s.pos, s.pos, text), paste: null } };
    }
    return { kind: 'edit', state: { ...s, paste: s.paste + pastedText(input, key) } };
  }
  if (input === PASTE_START) return { kind: 'edit', state: { ...s, paste: '' } };
  if (input === PASTE_END) return { kind: 'ignore' };
  const end = chars(s.value).length;
  if (key.meta && !key.escape) return onMetaKey(s, input, key);
  if (key.return) return { kind: 'submit', line: s.value };
  if (key.escape) return { kind: 'cancel' };
  if (key.upArrow || key.downArrow) return onHistoryKey(s, key, history);
  if (key.leftArrow) return moveTo(s, key.ctrl ? wordLeft(s.value, s.pos) : Math.max(0, s.pos - 1));
  if (key.rightArrow) return moveTo(s, key.ctrl ? wordRight(s.value, s.pos) : Math.min(end, s.pos + 1));
  if (key.home) return moveTo(s, 0);
  if (key.end) return moveTo(s, end);
  // ink reports the Backspace key (DEL, 0x7f) as `delete`, so both erase backwards; Ctrl-D deletes forwards.
  if (key.backspace || key.delete) return edited(s, replace(s, Math.max(0, s.pos - 1), s.pos, ''));
  if (key.ctrl) return onCtrlKey(s, input);
  if (key.tab || input === '') return { kind: 'ignore' };
  const text = cleanText(input);
  if (text === '') return { kind: 'ignore' };
  // Without bracketed paste, a terminal may deliver typed text and Enter, or a pasted block, in one read: the
  // text is kept whole and a final newline submits it.
  if (text.endsWith('\n')) return { kind: 'submit', line: replace(s, s.pos, s.pos, text.slice(0, -1)).value };
  return { kind: 'edit', state: replace(s, s.pos, s.pos, text) };
}

// Keys that are single control characters (Ctrl-A…Ctrl-Z but Tab, LF and CR, and DEL for Backspace).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001a\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_SPLIT = /([\u0001-\u0008\u000b\u000c\u000e-\u001a\u007f])/;

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Splits one read into the keys it holds: ink hands several keys read at once ("\x01\x0b", or text then
 * Ctrl-U) over as one string, whose control characters would otherwise be dropped. Text runs stay whole.
 */
export function keyEvents(input: string, key: Key): Array<[string, Key]> {
  if (key.ctrl || key.meta || input.length < 2 || !CONTROL.test(input)) return [[input, key]];
  return input.split(CONTROL_SPLIT).flatMap((part): Array<[string, Key]> => {
    if (part === '') return [];
    if (part === '\u007f') return [['', { ...NO_KEY, delete: true }]];
    const code = part.charCodeAt(0);
    if (part.length === 1 && code >= 1 && code <= 26)
      return [[String.fromCharCode(code + 96), { ...NO_KEY, ctrl: true }]];
    return [[part, NO_KEY]];
  });
}
