import { Box } from 'ink';
import type { ReviewDoc } from './review-doc.js';
import { T } from './theme.js';

/**
 * A window of `height` rows of the review document starting at `top`: exactly `height` rows tall (padded at the
 * end), so the screen around it can count its own height and never outgrow the terminal. Rows are cut to the
 * width already; `truncate-end` only guards against characters wider than they count.
 */
export function DocWindow({
  doc,
  top,
  height,
  current,
}: {
  doc: ReviewDoc;
  top: number;
  height: number;
  current: number | null;
}) {
  const shown = doc.rows.slice(top, top + height);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {shown.map((row, i) => {
        const text = row.lists !== undefined && row.lists === current ? `▸${row.text.slice(1)}` : row.text;
        return (
          <T
            key={top + i}
            tone={row.lists === current && row.lists !== undefined ? 'accent' : row.tone}
            wrap="truncate-end"
          >
            {text === '' ? ' ' : text}
          </T>
        );
      })}
    </Box>
  );
}
