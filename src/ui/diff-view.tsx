import { Box } from 'ink';
import type { DiffFile, DiffLine, Hunk } from './diff-model.js';
import { T, type Tone } from './theme.js';

const LINE_TONE: Record<DiffLine['kind'], Tone> = { add: 'add', del: 'del', context: 'plain', note: 'dim' };

/** The files a patch touches, the one holding the current hunk marked. */
export function FileList({ files, current }: { files: DiffFile[]; current: string | undefined }) {
  return (
    <Box flexDirection="column">
      {files.map((f) => {
        const here = f.path === current;
        return (
          <Box key={f.path}>
            <T tone={here ? 'accent' : 'plain'}>{here ? '▸ ' : '  '}</T>
            <T tone={here ? 'bold' : 'plain'}>{f.path}</T>
            <T> </T>
            <T tone="add">+{f.added}</T>
            <T> </T>
            <T tone="del">-{f.removed}</T>
          </Box>
        );
      })}
    </Box>
  );
}

/**
 * One hunk, coloured line by line. Long hunks are cut at `maxLines` so the screen never outgrows the terminal
 * (ink would otherwise clear and redraw it on every frame); the cut is said, not hidden.
 */
export function HunkView({
  hunk,
  index,
  total,
  maxLines,
}: {
  hunk: Hunk | undefined;
  index: number;
  total: number;
  maxLines: number;
}) {
  if (hunk === undefined) return <T tone="dim">(this patch has no hunks to show)</T>;
  const shown = hunk.lines.slice(0, maxLines);
  const hidden = hunk.lines.length - shown.length;
  return (
    <Box flexDirection="column">
      <T tone="dim">
        hunk {index + 1}/{total} · {hunk.file}
      </T>
      <T tone="hunk">{hunk.header}</T>
      {shown.map((line, i) => (
        <T key={i} tone={LINE_TONE[line.kind]}>
          {line.text === '' ? ' ' : line.text}
        </T>
      ))}
      {hidden > 0 ? <T tone="dim">… {hidden} more lines in this hunk (e opens the whole patch)</T> : null}
    </Box>
  );
}
