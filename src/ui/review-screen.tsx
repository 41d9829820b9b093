import { useEffect, useMemo, useReducer, useRef } from 'react';
import { Box, useInput, type Key } from 'ink';
import type { ReviewDecision, ReviewRequest } from '../runtime/context.js';
import { allHunks, parseDiff } from './diff-model.js';
import { FileList, HunkView } from './diff-view.js';
import { EvidenceView } from './evidence-view.js';
import type { OpenEditor } from './external-editor.js';
import { EMPTY_LINE, editLine, type LineState } from './line-edit.js';
import { LineView } from './line-input.js';
import { T } from './theme.js';
import { useTerminalSize } from './use-terminal-size.js';

/** Where the reviewer is: reading, typing a reason, in their editor, or done. */
type Mode =
  | { kind: 'browse'; notice: string | null }
  | { kind: 'reason'; line: LineState; error: string | null }
  | { kind: 'editing' }
  | { kind: 'decided'; summary: string; decision: ReviewDecision };

interface ScreenState {
  mode: Mode;
  hunk: number;
  details: boolean;
}

export interface ReviewScreenProps {
  request: ReviewRequest;
  /** Who decides, for the journal and the commit trailer. */
  who: string;
  /** Called once with the decision; the approval binds to `request.patch.sha`. */
  onDecision: (decision: ReviewDecision) => void;
  openEditor?: OpenEditor;
  /** Diff lines shown per hunk; by default what fits the terminal. */
  maxHunkLines?: number;
}

/** Short form of a patch sha shown on screen; the approval binds to the full one. */
export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/**
 * The review of one GREEN patch: its diff with a file list and hunk navigation, the RED and GREEN evidence,
 * and the keys that decide. It only reports the decision; what a rejection means is the core's business.
 */
export function ReviewScreen({ request, who, onDecision, openEditor, maxHunkLines }: ReviewScreenProps) {
  const files = useMemo(() => parseDiff(request.patch.diff), [request.patch.diff]);
  const hunks = useMemo(() => allHunks(files), [files]);
  // Kept in a ref so key events that arrive before React re-renders see the current mode.
  const state = useRef<ScreenState>({
    mode: { kind: 'browse', notice: request.notice ?? null },
    hunk: 0,
    details: false,
  });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const { rows } = useTerminalSize();
  const short = shortSha(request.patch.sha);

  const set = (patch: Partial<ScreenState>) => {
    state.current = { ...state.current, ...patch };
    rerender();
  };
  const decide = (decision: ReviewDecision, summary: string) =>
    set({ mode: { kind: 'decided', summary, decision } });
  // Reported once the outcome line is committed, so whoever unmounts the screen leaves that line behind.
  const reported = useRef(false);
  useEffect(() => {
    const { mode } = state.current;
    if (mode.kind !== 'decided' || reported.current) return;
    reported.current = true;
    onDecision(mode.decision);
  });
  const quit = () =>
    decide({ decision: 'quit', by: who }, 'paused at review: the run is checkpointed and resumable');

  const edit = () => {
    if (openEditor === undefined) {
      set({ mode: { kind: 'browse', notice: 'no editor is available here' } });
      return;
    }
    set({ mode: { kind: 'editing' } });
    openEditor(request.patch.diff).then(
      (outcome) => {
        if (outcome.kind === 'changed') {
          decide(
            { decision: 'edit', by: who, diff: outcome.text },
            `✎ edited patch ${short}: it is checked again (scope, then GREEN) before you review it`,
          );
          return;
        }
        const notice =
          outcome.kind === 'unchanged'
            ? 'the patch is unchanged; approve, reject or edit it'
            : outcome.message;
        set({ mode: { kind: 'browse', notice } });
      },
      (err: unknown) => set({ mode: { kind: 'browse', notice: `the editor failed: ${String(err)}` } }),
    );
  };

  const onReasonKey = (mode: Extract<Mode, { kind: 'reason' }>, input: string, key: Key) => {
    const action = editLine(mode.line, input, key, []);
    if (action.kind === 'edit') set({ mode: { ...mode, line: action.state, error: null } });
    else if (action.kind === 'cancel') set({ mode: { kind: 'browse', notice: null } });
    else if (action.kind === 'submit') {
      const reason = action.line.trim();
      if (reason === '') set({ mode: { ...mode, error: 'type a reason, or Esc to go back' } });
      else decide({ decision: 'reject', by: who, reason }, `✗ rejected patch ${short}: ${reason}`);
    }
  };

  const onBrowseKey = (input: string, key: Key) => {
    const { hunk, details } = state.current;
    if (input === 'n' || key.rightArrow || key.downArrow) set({ hunk: Math.min(hunk + 1, hunks.length - 1) });
    else if (input === 'p' || key.leftArrow || key.upArrow) set({ hunk: Math.max(hunk - 1, 0) });
    else if (input === 'a') decide({ decision: 'approve', by: who }, `✓ approved patch ${short}`);
    else if (input === 'r') set({ mode: { kind: 'reason', line: EMPTY_LINE, error: null } });
    else if (input === 'e') edit();
    else if (input === 'd') set({ details: !details });
    else if (input === 'q') quit();
  };

  useInput((input, key) => {
    const { mode } = state.current;
    if (mode.kind === 'decided' || mode.kind === 'editing') return;
    // Ctrl-C never approves anything: it leaves the run checkpointed at review.
    if (key.ctrl && input === 'c') quit();
    else if (mode.kind === 'reason') onReasonKey(mode, input, key);
    else onBrowseKey(input, key);
  });

  const { mode, hunk, details } = state.current;
  const current = hunks[hunk];
  return (
    <Box
      flexDirection="column"
      borderStyle="single"
      borderLeft={false}
      borderRight={false}
      borderBottom={false}
    >
      <T tone="bold">Review the fix for: {request.task}</T>
      <T>
        patch <T tone="accent">{short}</T> · {request.patch.changedLines} changed lines · an approval applies
        to this exact patch
      </T>
      <T tone="dim">{request.patch.summary}</T>
      <Box marginTop={1} flexDirection="column">
        <FileList files={files} current={current?.file} />
      </Box>
      <Box marginTop={1}>
        <HunkView
          hunk={current}
          index={hunk}
          total={hunks.length}
          maxLines={maxHunkLines ?? Math.max(4, rows - 28)}
        />
      </Box>
      <Box marginTop={1}>
        <EvidenceView request={request} details={details} />
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Footer mode={mode} />
      </Box>
    </Box>
  );
}

function Footer({ mode }: { mode: Mode }) {
  switch (mode.kind) {
    case 'decided':
      return <T tone="bold">{mode.summary}</T>;
    case 'editing':
      return <T tone="dim">the patch is open in your editor…</T>;
    case 'reason':
      return (
        <>
          <T>Why reject it? The reason goes back to the model and counts as an attempt (Esc: back).</T>
          <LineView prompt="reason › " value={mode.line.value} />
          {mode.error !== null ? <T tone="warn">{mode.error}</T> : null}
        </>
      );
    case 'browse':
      return (
        <>
          {mode.notice !== null ? <T tone="warn">{mode.notice}</T> : null}
          <KeyHints />
        </>
      );
    default: {
      const never: never = mode;
      return never;
    }
  }
}

const KEYS: Array<[string, string]> = [
  ['a', 'approve'],
  ['r', 'reject'],
  ['e', 'edit in $EDITOR'],
  ['d', 'details'],
  ['n/p', 'next/prev hunk'],
  ['q', 'quit (resumable)'],
];

function KeyHints() {
  return (
    <Box flexWrap="wrap">
      {KEYS.map(([k, what]) => (
        <Box key={k} marginRight={2}>
          <T tone="accent">[{k}]</T>
          <T> {what}</T>
        </Box>
      ))}
    </Box>
  );
}
