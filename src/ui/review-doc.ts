import type { ReviewRequest } from '../runtime/context.js';
import { parseDiff, type DiffLine } from './diff-model.js';
import { evidenceLines } from './evidence-lines.js';
import type { Tone } from './theme.js';

/** Whether a file belongs to the fix or to the test that RED proved and GREEN passed. */
export type FileRole = 'fix' | 'test';

/** One file of the change under review. */
export interface DocFile {
  path: string;
  role: FileRole;
  added: number;
  removed: number;
}

/** One screen row of the review document, already cut to the terminal's width. */
export interface DocRow {
  text: string;
  tone: Tone;
  /** The file this row shows part of; null in the overview above the first file. */
  file: number | null;
  /** A row of the file list naming this file (marked when it is the current one). */
  lists?: number;
}

/** The whole change as rows, and where each file and each hunk begins. */
export interface ReviewDoc {
  files: DocFile[];
  rows: DocRow[];
  fileStarts: number[];
  hunkStarts: number[];
}

const LINE_TONE: Record<DiffLine['kind'], Tone> = { add: 'add', del: 'del', context: 'plain', note: 'dim' };

/** Tabs to spaces (4-column stops) and control characters to visible placeholders, so a row is what it measures. */
export function displayText(text: string): string {
  let out = '';
  for (const c of text) {
    if (c === '\t') out += ' '.repeat(4 - (Array.from(out).length % 4));
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(c)) out += '�';
    else out += c;
  }
  return out;
}

/** Cuts text into pieces of at most `width` code points; an empty text is one empty row. */
export function cut(text: string, width: number): string[] {
  const cs = Array.from(displayText(text));
  if (cs.length === 0) return [''];
  const out: string[] = [];
  for (let i = 0; i < cs.length; i += width) out.push(cs.slice(i, i + width).join(''));
  return out;
}

interface Logical {
  text: string;
  tone: Tone;
  file: number | null;
  lists?: number;
  starts?: 'file' | 'hunk';
}

function changeLines(request: ReviewRequest): { files: DocFile[]; lines: Logical[] } {
  const parts = [
    ...parseDiff(request.patch.diff).map((f) => ({ ...f, role: 'fix' as const })),
    ...('testPatch' in request ? parseDiff(request.testPatch.diff) : []).map((f) => ({
      ...f,
      role: 'test' as const,
    })),
  ];
  const files = parts.map(({ path, role, added, removed }) => ({ path, role, added, removed }));
  const lines: Logical[] = [];
  parts.forEach((f, file) => {
    const what = f.role === 'fix' ? 'fix' : 'test (locked after RED)';
    lines.push({ text: '', tone: 'plain', file });
    lines.push({
      text: `━━ ${f.path} · ${what} · +${f.added} -${f.removed}`,
      tone: 'bold',
      file,
      starts: 'file',
    });
    for (const h of f.hunks) {
      lines.push({ text: h.header, tone: 'hunk', file, starts: 'hunk' });
      for (const l of h.lines) lines.push({ text: l.text, tone: LINE_TONE[l.kind], file });
    }
  });
  return { files, lines };
}

/**
 * The review as one document: the files the change touches, the RED/GREEN evidence, then every hunk of the fix
 * and of the test, cut to `width` columns. Pure; the screen shows a window of its rows.
 */
export function reviewDocument(request: ReviewRequest, width: number, details = false): ReviewDoc {
  const { files, lines: change } = changeLines(request);
  const overview: Logical[] = [{ text: 'Files', tone: 'bold', file: null }];
  files.forEach((f, i) =>
    overview.push({
      text: `  ${f.path} +${f.added} -${f.removed} (${f.role})`,
      tone: 'plain',
      file: null,
      lists: i,
    }),
  );
  overview.push({ text: '', tone: 'plain', file: null });
  for (const [text, tone] of evidenceLines(request, details)) overview.push({ text, tone, file: null });
  const rows: DocRow[] = [];
  const fileStarts: number[] = [];
  const hunkStarts: number[] = [];
  for (const l of [...overview, ...change]) {
    if (l.starts === 'file') fileStarts.push(rows.length);
    if (l.starts === 'hunk') hunkStarts.push(rows.length);
    for (const text of cut(l.text, Math.max(1, width))) {
      const row: DocRow = { text, tone: l.tone, file: l.file };
      if (l.lists !== undefined) row.lists = l.lists;
      rows.push(row);
    }
  }
  return { files, rows, fileStarts, hunkStarts };
}

/** The highest first row a window of `height` rows can start at. */
export function lastTop(doc: ReviewDoc, height: number): number {
  return Math.max(0, doc.rows.length - height);
}

/** Moves the window to `top`, kept inside the document. */
export function clampTop(doc: ReviewDoc, height: number, top: number): number {
  return Math.min(Math.max(0, top), lastTop(doc, height));
}

/** The first row of the next (dir 1) or previous (dir -1) anchor from `top`; `top` when there is none. */
export function jump(anchors: readonly number[], top: number, dir: 1 | -1): number {
  if (dir === 1) return anchors.find((a) => a > top) ?? top;
  return anchors.findLast((a) => a < top) ?? (top > 0 && anchors.length > 0 ? 0 : top);
}

/** The file the window is in: that of its first row, else of the first file row it shows. */
export function currentFile(doc: ReviewDoc, top: number, height: number): number | null {
  const here = doc.rows[top]?.file ?? null;
  if (here !== null) return here;
  return doc.rows.slice(top, top + height).find((r) => r.file !== null)?.file ?? null;
}
