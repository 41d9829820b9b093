import { parsePatch } from 'diff';

/** One line of a hunk, classified for colouring. */
export interface DiffLine {
  kind: 'add' | 'del' | 'context' | 'note';
  text: string;
}

/** One hunk of one file. */
export interface Hunk {
  file: string;
  header: string;
  lines: DiffLine[];
}

/** One file of a patch, with its counts for the file list. */
export interface DiffFile {
  path: string;
  added: number;
  removed: number;
  hunks: Hunk[];
}

function stripPrefix(name: string): string {
  return name.replace(/^[ab]\//, '');
}

function classify(line: string): DiffLine {
  if (line.startsWith('+')) return { kind: 'add', text: line };
  if (line.startsWith('-')) return { kind: 'del', text: line };
  if (line.startsWith('\\')) return { kind: 'note', text: line };
  return { kind: 'context', text: line };
}

/** Splits a canonical unified diff into files and hunks; a diff that does not parse yields no files. */
export function parseDiff(diff: string): DiffFile[] {
  let patches;
  try {
    patches = parsePatch(diff);
  } catch {
    return [];
  }
  return patches
    .filter((p) => p.hunks.length > 0)
    .map((p) => {
      const path = stripPrefix(p.newFileName === '/dev/null' ? p.oldFileName : p.newFileName);
      const hunks = p.hunks.map((h) => ({
        file: path,
        header: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
        lines: h.lines.map(classify),
      }));
      const all = hunks.flatMap((h) => h.lines);
      return {
        path,
        added: all.filter((l) => l.kind === 'add').length,
        removed: all.filter((l) => l.kind === 'del').length,
        hunks,
      };
    });
}
