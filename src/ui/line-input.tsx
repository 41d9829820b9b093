import { useReducer, useRef } from 'react';
import { Box, useInput } from 'ink';
import { EMPTY_LINE, editLine, keyEvents, type LineState } from './line-edit.js';
import { T } from './theme.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface LineInputProps {
  prompt: string;
  onSubmit: (line: string) => void;
  /** Ctrl-D on an empty line. */
  onEof?: () => void;
  /** Earlier lines, oldest first; up and down arrows walk through them. */
  history?: readonly string[];
  isActive?: boolean;
  placeholder?: string;
  /** Rows a long (pasted) line may take on screen; the rest is summarised, so the frame fits the terminal. */
  maxRows?: number;
}

/** A line editor with history; the line lives in a ref so fast key bursts and pastes in pieces are never lost. */
export function LineInput({
  prompt,
  onSubmit,
  onEof,
  history = [],
  isActive = true,
  placeholder,
  maxRows,
}: LineInputProps) {
  const line = useRef<LineState>(EMPTY_LINE);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useInput(
    (input, key) => {
      const events = line.current.paste === null ? keyEvents(input, key) : [[input, key] as const];
      let changed = false;
      for (const [i, k] of events) {
        const action = editLine(line.current, i, k, history);
        switch (action.kind) {
          case 'edit':
            line.current = action.state;
            changed = true;
            break;
          case 'submit':
            line.current = EMPTY_LINE;
            changed = true;
            onSubmit(action.line);
            break;
          case 'eof':
            onEof?.();
            break;
          case 'cancel':
          case 'ignore':
            break;
          default: {
            const never: never = action;
            return never;
          }
        }
      }
      if (changed) rerender();
    },
    { isActive },
  );
  const { value, pos, paste } = line.current;
  return (
    <LineView
      prompt={prompt}
      value={value}
      pos={pos}
      placeholder={paste !== null ? 'pasting…' : placeholder}
      maxRows={maxRows}
    />
  );
}

const expandTabs = (s: string) => s.replace(/\t/g, '  ');

interface Row {
  /** Index of the row's first character in the whole value, in code points. */
  start: number;
  chars: string[];
}

/** Cuts a value into the rows the terminal shows: each line, then each `width` characters of it. */
function visualRows(value: string, width: number): Row[] {
  const rows: Row[] = [];
  let start = 0;
  for (const line of value.split('\n')) {
    const cs = Array.from(line);
    for (let i = 0; i === 0 || i < cs.length || (i === cs.length && cs.length % width === 0); i += width) {
      rows.push({ start: start + i, chars: cs.slice(i, i + width) });
      if (i === cs.length) break;
    }
    start += cs.length + 1;
  }
  return rows;
}

/**
 * How a line being typed looks: the prompt, the text, and the cursor (a bar at the end, the character under it
 * in reverse video elsewhere). A multi-line or long value continues under the prompt; past `maxRows` rows only
 * those around the cursor are shown, with a count of the rest, so the frame never outgrows the terminal.
 */
export function LineView({
  prompt,
  value,
  pos,
  placeholder,
  maxRows = Number.POSITIVE_INFINITY,
}: {
  prompt: string;
  value: string;
  /** The cursor, in code points; the end of the line when not given. */
  pos?: number;
  placeholder?: string | undefined;
  maxRows?: number | undefined;
}) {
  const { columns } = useTerminalSize();
  const indent = ' '.repeat(Array.from(prompt).length);
  if (value === '')
    return (
      <Box>
        <T tone="accent">{prompt}</T>
        {placeholder !== undefined ? <T tone="dim">{placeholder}</T> : null}
        <T tone="dim">▏</T>
      </Box>
    );
  const at = Math.min(pos ?? Infinity, Array.from(value).length);
  const rows = visualRows(value, Math.max(8, columns - indent.length - 1));
  const cursorRow = Math.max(
    0,
    rows.findLastIndex((r) => r.start <= at),
  );
  const keep = Math.max(1, Math.floor(maxRows) - 1);
  const all = rows.length <= maxRows;
  const first = all ? 0 : Math.max(0, Math.min(cursorRow - keep + 1, rows.length - keep));
  const last = all ? rows.length : first + keep;
  return (
    <Box flexDirection="column">
      {rows.slice(first, last).map((row, i) => {
        const n = first + i;
        const lead = n === 0 ? <T tone="accent">{prompt}</T> : <T>{indent}</T>;
        if (n !== cursorRow)
          return (
            <Box key={n}>
              {lead}
              <T>{expandTabs(row.chars.join(''))}</T>
            </Box>
          );
        const col = at - row.start;
        const under = row.chars[col];
        return (
          <Box key={n}>
            {lead}
            <T>{expandTabs(row.chars.slice(0, col).join(''))}</T>
            {under === undefined ? (
              <T tone="dim">▏</T>
            ) : (
              <>
                <T inverse>{expandTabs(under)}</T>
                <T>{expandTabs(row.chars.slice(col + 1).join(''))}</T>
              </>
            )}
          </Box>
        );
      })}
      {all ? null : (
        <T tone="dim">
          {indent}({rows.length - (last - first)} more rows not shown · Enter sends all{' '}
          {value.split('\n').length} lines)
        </T>
      )}
    </Box>
  );
}
