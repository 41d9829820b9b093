import { useReducer, useRef } from 'react';
import { Box, useInput } from 'ink';
import { EMPTY_LINE, editLine, type LineState } from './line-edit.js';
import { T } from './theme.js';

export interface LineInputProps {
  prompt: string;
  onSubmit: (line: string) => void;
  /** Earlier lines, oldest first; up and down arrows walk through them. */
  history?: readonly string[];
  isActive?: boolean;
  placeholder?: string;
}

/** A one-line text field with history; the line lives in a ref so fast key bursts are never lost. */
export function LineInput({ prompt, onSubmit, history = [], isActive = true, placeholder }: LineInputProps) {
  const line = useRef<LineState>(EMPTY_LINE);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useInput(
    (input, key) => {
      const action = editLine(line.current, input, key, history);
      if (action.kind === 'edit') line.current = action.state;
      if (action.kind === 'submit') {
        line.current = EMPTY_LINE;
        onSubmit(action.line);
      }
      if (action.kind !== 'ignore') rerender();
    },
    { isActive },
  );
  return <LineView prompt={prompt} value={line.current.value} placeholder={placeholder} />;
}

/** How a line being typed looks: the prompt, the text, a cursor bar. */
export function LineView({
  prompt,
  value,
  placeholder,
}: {
  prompt: string;
  value: string;
  placeholder?: string;
}) {
  return (
    <Box>
      <T tone="accent">{prompt}</T>
      {value === '' && placeholder !== undefined ? <T tone="dim">{placeholder}</T> : <T>{value}</T>}
      <T tone="dim">▏</T>
    </Box>
  );
}
