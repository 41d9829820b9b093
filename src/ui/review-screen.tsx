import { useEffect, useMemo, useReducer, useRef } from 'react';
import { Box, useInput, type Key } from 'ink';
import type { ReviewDecision, ReviewRequest } from '../runtime/context.js';
import { DocWindow } from './diff-view.js';
import type { OpenEditor } from './external-editor.js';
import { EMPTY_LINE, editLine, type LineState } from './line-edit.js';
import { clampTop, currentFile, jump, lastTop, reviewDocument, type ReviewDoc } from './review-doc.js';
import { Footer, footerRows } from './review-footer.js';
import { T } from './theme.js';
import { useTerminalSize } from './use-terminal-size.js';

/** Where the reviewer is: reading, typing a reason, in their editor or pager, or done. */
export type Mode =
  | { kind: 'browse'; notice: string | null }
  | { kind: 'reason'; line: LineState; error: string | null }
  | { kind: 'editing' }
  | { kind: 'decided'; summary: string; decision: ReviewDecision };

interface ScreenState {
  mode: Mode;
  /** The document row at the top of the window. */
  top: number;
  details: boolean;
}

export interface ReviewScreenProps {
  request: ReviewRequest;
  /** Who decides, for the journal and the commit trailer. */
  who: string;
  /** Called once with the decision; the approval binds to `request.patch.sha`. */
  onDecision: (decision: ReviewDecision) => void;
  openEditor?: OpenEditor | undefined;
  /** The most rows the screen may take; by default one less than the terminal, so ink never clears it. */
  maxRows?: number | undefined;
}

/** Short form of a patch sha shown on screen; the approval binds to the full one. */
export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/** Everything the review shows, as plain text: what the pager gets when there is no editor. */
export function wholeChange(request: ReviewRequest): string {
  return [
    `agentctl review: ${request.task}`,
    `fix patch ${request.patch.sha} (an approval binds to this hash)`,
    'testPatch' in request
      ? `test patch ${request.testPatch.sha}`
      : `no test patch: ${request.change.message}`,
    '',
    request.patch.diff.trimEnd(),
    'testPatch' in request ? request.testPatch.diff.trimEnd() : '',
    '',
  ].join('\n');
}

// Rows around the window: the top border, the title, the patch line and the position line.
const HEADER_ROWS = 4;

/**
 * The review of one GREEN patch: the whole change (fix and test) as one scrollable document with the RED and
 * GREEN evidence, the patch hash the approval binds to always in view, and the keys that decide. The screen is
 * never taller than `maxRows`, so ink redraws it in place and the user's scrollback survives. It only reports
 * the decision; what a rejection means is the core's business.
 */
export function ReviewScreen({ request, who, onDecision, openEditor, maxRows }: ReviewScreenProps) {
  // Kept in a ref so key events that arrive before React re-renders see the current mode.
  const state = useRef<ScreenState>({
    mode: { kind: 'browse', notice: request.notice ?? null },
    top: 0,
    details: false,
  });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const { rows, columns } = useTerminalSize();
  const { details } = state.current;
  const doc = useMemo(() => reviewDocument(request, columns, details), [request, columns, details]);
  const budget = Math.max(6, maxRows ?? rows - 1);
  const footer = footerRows(state.current.mode, columns);
  const height = Math.max(1, budget - HEADER_ROWS - footer);
  const short = shortSha(request.patch.sha);

  const set = (patch: Partial<ScreenState>) => {
    state.current = { ...state.current, ...patch };
    rerender();
  };
  const scrollTo = (top: number) => set({ top: clampTop(doc, height, top) });
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
    openEditor(request.patch.diff, wholeChange(request)).then(
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
            : outcome.kind === 'paged'
              ? null
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
    const { top } = state.current;
    const page = Math.max(1, height - 1);
    // Ctrl-letters never decide (Ctrl-A is not "a"); Ctrl-D/U and Ctrl-F/B scroll as in less.
    if (key.ctrl) {
      if (input === 'd') scrollTo(top + Math.ceil(height / 2));
      else if (input === 'u') scrollTo(top - Math.ceil(height / 2));
      else if (input === 'f') scrollTo(top + page);
      else if (input === 'b') scrollTo(top - page);
      return;
    }
    if (input === 'j' || key.downArrow || key.return) scrollTo(top + 1);
    else if (input === 'k' || key.upArrow) scrollTo(top - 1);
    else if (input === ' ' || key.pageDown) scrollTo(top + page);
    else if (input === 'b' || key.pageUp) scrollTo(top - page);
    else if (input === 'g' || key.home) scrollTo(0);
    else if (input === 'G' || key.end) scrollTo(lastTop(doc, height));
    else if (input === 'n' || key.rightArrow) scrollTo(jump(doc.fileStarts, top, 1));
    else if (input === 'p' || key.leftArrow) scrollTo(jump(doc.fileStarts, top, -1));
    else if (input === ']') scrollTo(jump(doc.hunkStarts, top, 1));
    else if (input === '[') scrollTo(jump(doc.hunkStarts, top, -1));
    else if (input === 'a') decide({ decision: 'approve', by: who }, `✓ approved patch ${short}`);
    else if (input === 'r') set({ mode: { kind: 'reason', line: EMPTY_LINE, error: null } });
    else if (input === 'e') edit();
    else if (input === 'd') set({ details: !state.current.details });
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

  const { mode } = state.current;
  const top = clampTop(doc, height, state.current.top);
  const file = currentFile(doc, top, height);
  return (
    <Box
      flexDirection="column"
      borderStyle="single"
      borderLeft={false}
      borderRight={false}
      borderBottom={false}
    >
      <T tone="bold" wrap="truncate-end">
        Review the fix for: {request.task.replace(/\s+/g, ' ')}
      </T>
      <T wrap="truncate-end">
        patch <T tone="accent">{short}</T> · {request.patch.changedLines} changed lines · an approval applies
        to this exact patch
      </T>
      {mode.kind === 'decided' ? (
        <T tone="bold" wrap="truncate-end">
          {mode.summary}
        </T>
      ) : (
        <>
          <T tone="dim" wrap="truncate-end">
            {position(doc, top, height, file)}
          </T>
          <DocWindow doc={doc} top={top} height={height} current={file} />
          <Footer mode={mode} columns={columns} />
        </>
      )}
    </Box>
  );
}

/** "src/calc.js (fix, file 1/3) · lines 1–17 of 64": where the window is in the whole change. */
function position(doc: ReviewDoc, top: number, height: number, file: number | null): string {
  const total = doc.rows.length;
  const last = Math.min(total, top + height);
  const lastFile = doc.rows.slice(top, last).findLast((r) => r.file !== null)?.file ?? null;
  const describe = (i: number) => `${doc.files[i]?.path ?? '?'} (${doc.files[i]?.role ?? '?'})`;
  const n = doc.files.length;
  const where =
    file === null || lastFile === null
      ? `overview: ${n} files, evidence`
      : file === lastFile
        ? `${describe(file)} · file ${file + 1}/${n}`
        : `${describe(file)} … ${describe(lastFile)} · files ${file + 1}–${lastFile + 1}/${n}`;
  const end = last >= total ? ' (end)' : '';
  return `lines ${total === 0 ? 0 : top + 1}–${last} of ${total}${end} · ${where}`;
}
