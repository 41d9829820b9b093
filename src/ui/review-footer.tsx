import { Box } from 'ink';
import { LineView } from './line-input.js';
import { cut } from './review-doc.js';
import type { Mode } from './review-screen.js';
import { T } from './theme.js';

type Hint = [key: string, what: string];

/** The keys that decide. */
const DECIDE: Hint[] = [
  ['a', 'approve'],
  ['r', 'reject'],
  ['e', '$EDITOR/pager'],
  ['d', 'details'],
  ['q', 'quit (resumable)'],
];

/** The keys that move through the change. */
const MOVE: Hint[] = [
  ['j/k ↑↓', 'line'],
  ['space/PgDn PgUp', 'page'],
  ['g/G', 'top/end'],
  ['n/p ←→', 'file'],
  ['[ ]', 'hunk'],
];

const REASON_PROMPT =
  'Why reject it? The reason goes back to the model and counts as an attempt (Esc: back).';
const GAP = 2;

const label = ([key, what]: Hint, bracket: boolean) => `${bracket ? `[${key}]` : key} ${what}`;

/** Hints packed into rows of at most `width` columns, so the footer's height is known before it is drawn. */
function pack(hints: Hint[], width: number, bracket: boolean): Hint[][] {
  const rows: Hint[][] = [];
  let used = Number.POSITIVE_INFINITY;
  for (const h of hints) {
    // Each hint carries its right margin, as ink lays it out.
    const w = Array.from(label(h, bracket)).length + GAP;
    if (used + w > width) {
      rows.push([h]);
      used = w;
    } else {
      rows.at(-1)?.push(h);
      used += w;
    }
  }
  return rows;
}

/** How many rows the footer takes in `mode` (at most; the screen gives the rest to the diff). */
export function footerRows(mode: Mode, columns: number): number {
  switch (mode.kind) {
    case 'decided':
      return 0;
    case 'editing':
      return 1;
    case 'reason':
      return (
        cut(REASON_PROMPT, columns).length + 2 + (mode.error === null ? 0 : cut(mode.error, columns).length)
      );
    case 'browse':
      return (
        (mode.notice === null ? 0 : cut(mode.notice, columns).length) +
        pack(DECIDE, columns, true).length +
        pack(MOVE, columns, false).length
      );
    default: {
      const never: never = mode;
      return never;
    }
  }
}

function Rows({ text, tone, columns }: { text: string; tone: 'warn' | 'plain'; columns: number }) {
  return cut(text, columns).map((line, i) => (
    <T key={i} tone={tone} wrap="truncate-end">
      {line}
    </T>
  ));
}

function HintRows({ hints, columns, bracket }: { hints: Hint[]; columns: number; bracket: boolean }) {
  return pack(hints, columns, bracket).map((row, i) => (
    <Box key={i}>
      {row.map((h) => (
        <Box key={h[0]} marginRight={GAP}>
          <T tone={bracket ? 'accent' : 'dim'}>{bracket ? `[${h[0]}]` : h[0]}</T>
          <T tone={bracket ? 'plain' : 'dim'}> {h[1]}</T>
        </Box>
      ))}
    </Box>
  ));
}

/** What the reviewer can do now: the keys, a notice, or the reason being typed. */
export function Footer({ mode, columns }: { mode: Mode; columns: number }) {
  switch (mode.kind) {
    case 'decided':
      return null;
    case 'editing':
      return <T tone="dim">the change is open in your editor or pager…</T>;
    case 'reason':
      return (
        <>
          <Rows text={REASON_PROMPT} tone="plain" columns={columns} />
          <LineView prompt="reason › " value={mode.line.value} pos={mode.line.pos} maxRows={2} />
          {mode.error !== null ? <Rows text={mode.error} tone="warn" columns={columns} /> : null}
        </>
      );
    case 'browse':
      return (
        <>
          {mode.notice !== null ? <Rows text={mode.notice} tone="warn" columns={columns} /> : null}
          <HintRows hints={DECIDE} columns={columns} bracket />
          <HintRows hints={MOVE} columns={columns} bracket={false} />
        </>
      );
    default: {
      const never: never = mode;
      return never;
    }
  }
}
