import { createTwoFilesPatch, parsePatch, applyPatch } from 'diff';
import { createHash } from 'node:crypto';
import type { PatchRef } from '../core/evidence.js';
import type { Edit } from '../core/proposals.js';

import type { FileChange } from '../../sandbox/atomic-apply.js';

export type { FileChange };

export type ResolveResult =
  | { ok: true; changes: FileChange[]; patch: PatchRef }
  | { ok: false; path: string; rule: string; message: string };

/** Reads a repo file's current text, or null when it does not exist. */
export type ReadText = (path: string) => Promise<string | null>;

function stripPrefix(name: string | undefined): string | null {
  if (name === undefined || name === '/dev/null') return null;
  const trimmed = name.split('\t')[0]!.trim();
  return trimmed.replace(/^[ab]\//, '');
}

/** Renders changes as one canonical unified diff; its sha256 is the patch's identity. */
export function canonicalDiff(changes: readonly FileChange[]): string {
  return [...changes]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .filter((c) => c.before !== c.after)
    .map((c) =>
      createTwoFilesPatch(
        c.before === null ? '/dev/null' : `a/${c.path}`,
        c.after === null ? '/dev/null' : `b/${c.path}`,
        c.before ?? '',
        c.after ?? '',
        undefined,
        undefined,
        { context: 3 },
      ),
    )
    .join('');
}

/** Counts added and removed lines of a unified diff, for approval policy. */
export function changedLineCount(diff: string): number {
  let n = 0;
  for (const line of diff.split('\n')) {
    if (
      (line.startsWith('+') && !line.startsWith('+++')) ||
      (line.startsWith('-') && !line.startsWith('---'))
    )
      n++;
  }
  return n;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function toPatchRef(changes: FileChange[], summary: string): PatchRef {
  const diff = canonicalDiff(changes);
  return {
    sha: sha256(diff),
    diff,
    files: changes.map((c) => c.path).sort(),
    summary,
    changedLines: changedLineCount(diff),
  };
}

/** Applies structured edits in memory against the current files. */
export async function resolveEdits(
  edits: readonly Edit[],
  read: ReadText,
  summary: string,
): Promise<ResolveResult> {
  const current = new Map<string, string | null>();
  const original = new Map<string, string | null>();
  const load = async (path: string): Promise<string | null> => {
    if (!current.has(path)) {
      const text = await read(path);
      current.set(path, text);
      original.set(path, text);
    }
    return current.get(path) ?? null;
  };
  for (const edit of edits) {
    const text = await load(edit.path);
    switch (edit.op) {
      case 'create':
        current.set(edit.path, edit.content);
        break;
      case 'delete':
        if (text === null)
          return {
            ok: false,
            path: edit.path,
            rule: 'conflict',
            message: `${edit.path}: cannot delete, the file does not exist`,
          };
        current.set(edit.path, null);
        break;
      case 'replace': {
        if (text === null)
          return {
            ok: false,
            path: edit.path,
            rule: 'conflict',
            message: `${edit.path}: cannot replace text, the file does not exist`,
          };
        const first = text.indexOf(edit.find);
        if (first < 0)
          return {
            ok: false,
            path: edit.path,
            rule: 'conflict',
            message: `${edit.path}: the text to replace was not found`,
          };
        if (text.indexOf(edit.find, first + 1) >= 0)
          return {
            ok: false,
            path: edit.path,
            rule: 'conflict',
            message: `${edit.path}: the text to replace occurs more than once; include more context`,
          };
        current.set(edit.path, text.slice(0, first) + edit.replace + text.slice(first + edit.find.length));
        break;
      }
      default: {
        const never: never = edit;
        return never;
      }
    }
  }
  const changes = [...current.entries()]
    .map(([path, after]) => ({ path, before: original.get(path) ?? null, after }))
    .filter((c) => c.before !== c.after);
  if (changes.length === 0)
    return { ok: false, path: '', rule: 'empty', message: 'the proposal changes nothing' };
  return { ok: true, changes, patch: toPatchRef(changes, summary) };
}

/** Applies a unified diff in memory against the current files. */
/**
 * Rewrites every `@@ -a,b +c,d @@` header with the counts its body really has, so a diff edited by hand (a
 * line added or removed without touching the header) still parses. An empty line inside a hunk is read as an
 * empty context line, since editors strip the single space such lines carry.
 */
export function recountHunks(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let header = -1;
  let oldCount = 0;
  let newCount = 0;
  const close = () => {
    if (header < 0) return;
    out[header] = out[header]!.replace(
      /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/,
      (_m, a: string, c: string) => `@@ -${a},${oldCount} +${c},${newCount} @@`,
    );
    header = -1;
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const fileHeader = line.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ');
    if (line.startsWith('@@ ')) {
      close();
      header = out.length;
      oldCount = 0;
      newCount = 0;
      out.push(line);
      continue;
    }
    if (
      header >= 0 &&
      !fileHeader &&
      !line.startsWith('===') &&
      !line.startsWith('Index:') &&
      !line.startsWith('diff ')
    ) {
      const next = lines[i + 1];
      const endsHunk =
        next === undefined ||
        next.startsWith('===') ||
        next.startsWith('Index:') ||
        next.startsWith('diff ') ||
        (next.startsWith('--- ') && (lines[i + 2] ?? '').startsWith('+++ '));
      if (line === '' && endsHunk) {
        close();
        out.push(line);
        continue;
      }
      const body = line === '' ? ' ' : line;
      if (body.startsWith(' ')) {
        oldCount += 1;
        newCount += 1;
      } else if (body.startsWith('-')) oldCount += 1;
      else if (body.startsWith('+')) newCount += 1;
      else if (!body.startsWith('\\')) {
        close();
        out.push(line);
        continue;
      }
      out.push(body);
      continue;
    }
    close();
    out.push(line);
  }
  close();
  return out.join('\n');
}

export async function resolveUnifiedDiff(
  text: string,
  read: ReadText,
  summary: string,
): Promise<ResolveResult> {
  let parsed;
  try {
    parsed = parsePatch(text);
  } catch (err) {
    return {
      ok: false,
      path: '',
      rule: 'malformed_diff',
      message: `the diff cannot be parsed: ${(err as Error).message}`,
    };
  }
  const changes: FileChange[] = [];
  for (const file of parsed) {
    const oldPath = stripPrefix(file.oldFileName);
    const newPath = stripPrefix(file.newFileName);
    const path = newPath ?? oldPath;
    if (path === null) continue;
    const before = oldPath === null ? null : await read(oldPath);
    if (oldPath !== null && before === null)
      return {
        ok: false,
        path: oldPath,
        rule: 'conflict',
        message: `${oldPath}: the diff modifies a file that does not exist`,
      };
    if (oldPath !== null && newPath !== null && oldPath !== newPath)
      return {
        ok: false,
        path: oldPath,
        rule: 'rename',
        message: `${oldPath} → ${newPath}: renames are not supported; delete and create instead`,
      };
    const result = applyPatch(before ?? '', file);
    if (result === false)
      return {
        ok: false,
        path,
        rule: 'conflict',
        message: `${path}: the diff does not apply to the current file`,
      };
    changes.push({ path, before, after: newPath === null ? null : result });
  }
  const real = changes.filter((c) => c.before !== c.after);
  if (real.length === 0) return { ok: false, path: '', rule: 'empty', message: 'the diff changes nothing' };
  return { ok: true, changes: real, patch: toPatchRef(real, summary) };
}
