import type { Key } from 'ink';

/** A line being typed, and where the user is in the history of earlier lines (null: not browsing it). */
export interface LineState {
  value: string;
  cursor: number | null;
  draft: string;
}

export const EMPTY_LINE: LineState = { value: '', cursor: null, draft: '' };

/** What one key press did to the line. */
export type LineAction =
  | { kind: 'edit'; state: LineState }
  | { kind: 'submit'; line: string }
  | { kind: 'cancel' }
  | { kind: 'ignore' };

/**
 * Applies one key press to a line: typing, backspace, Enter, Esc, and up/down through `history`. Pure, so the
 * caller can keep the line in a ref and stay correct when several key events arrive before React re-renders.
 * A pasted newline submits, since terminals often deliver "text" and Enter in one read.
 */
export function editLine(s: LineState, input: string, key: Key, history: readonly string[]): LineAction {
  if (key.return) return { kind: 'submit', line: s.value };
  if (key.escape) return { kind: 'cancel' };
  if (key.upArrow) {
    if (history.length === 0) return { kind: 'ignore' };
    const next = Math.max(0, (s.cursor ?? history.length) - 1);
    const draft = s.cursor === null ? s.value : s.draft;
    return { kind: 'edit', state: { value: history[next] ?? '', cursor: next, draft } };
  }
  if (key.downArrow) {
    if (s.cursor === null) return { kind: 'ignore' };
    const next = s.cursor + 1;
    if (next >= history.length) return { kind: 'edit', state: { value: s.draft, cursor: null, draft: '' } };
    return { kind: 'edit', state: { ...s, value: history[next] ?? '', cursor: next } };
  }
  if (key.backspace || key.delete) return { kind: 'edit', state: { ...s, value: s.value.slice(0, -1) } };
  if (key.ctrl || key.meta || key.tab || input === '') return { kind: 'ignore' };
  const newline = input.search(/[\r\n]/);
  if (newline >= 0) return { kind: 'submit', line: s.value + input.slice(0, newline) };
  // Control characters would corrupt the frame; drop them.
  // eslint-disable-next-line no-control-regex
  const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
  return text === '' ? { kind: 'ignore' } : { kind: 'edit', state: { ...s, value: s.value + text } };
}
