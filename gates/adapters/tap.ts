import { stripAnsi } from '../classify-failure.js';

/** One TAP test line with its YAML diagnostics. */
export interface TapTest {
  ok: boolean;
  title: string;
  directive?: 'skip' | 'todo';
  diag: Record<string, unknown>;
}

const TEST_LINE = /^(not ok|ok) \d+(?: - (.*?))?(?: # (SKIP|TODO)\b.*)?$/i;

/** Parses TAP 13 test lines and their `---`/`...` YAML blocks (the subset js-yaml writes for ava), uncoloured. */
export function parseTap(text: string): TapTest[] {
  const lines = stripAnsi(text).split(/\r?\n/);
  const tests: TapTest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = TEST_LINE.exec(lines[i] ?? '');
    if (m === null) continue;
    const test: TapTest = { ok: m[1] === 'ok', title: (m[2] ?? '').trim(), diag: {} };
    if (m[3] !== undefined) test.directive = m[3].toLowerCase() === 'skip' ? 'skip' : 'todo';
    if (/^\s+---\s*$/.test(lines[i + 1] ?? '')) {
      const end = lines.findIndex((l, j) => j > i + 1 && /^\s+\.\.\.\s*$/.test(l));
      const block = lines.slice(i + 2, end === -1 ? lines.length : end);
      test.diag = parseYamlMapping(block, 0, indentOf(block.find((l) => l.trim() !== '') ?? ''))[0];
      i = end === -1 ? lines.length : end;
    }
    tests.push(test);
  }
  return tests;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function unquote(raw: string): string {
  const s = raw.trim();
  if (s.startsWith("'") && s.endsWith("'") && s.length >= 2) return s.slice(1, -1).replaceAll("''", "'");
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  return s;
}

const KEY_LINE = /^\s*('(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^:'"]+?):(?: (.*))?$/;

/** A block scalar (`|`, `|-`, `|2-`, `>-`…) starting after line `start`, deeper than `parentIndent`. */
function blockScalar(lines: string[], start: number, parentIndent: number, header: string): [string, number] {
  const explicit = /\d/.exec(header)?.[0];
  let end = start;
  while (
    end < lines.length &&
    ((lines[end] ?? '').trim() === '' || indentOf(lines[end] ?? '') > parentIndent)
  )
    end++;
  const body = lines.slice(start, end);
  const first = body.find((l) => l.trim() !== '') ?? '';
  const indent = explicit !== undefined ? parentIndent + Number(explicit) : indentOf(first);
  const content = body.map((l) => l.slice(indent));
  const text = header.startsWith('>')
    ? content.join('\n').replace(/([^\n])\n(?=[^\n ])/g, '$1 ')
    : content.join('\n');
  return [header.includes('-') ? text.replace(/\n+$/, '') : text, end];
}

/** A YAML mapping at `indent`: nested mappings, quoted/plain scalars and block scalars. */
export function parseYamlMapping(
  lines: string[],
  start: number,
  indent: number,
): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  let i = start;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (indentOf(line) < indent) break;
    const m = KEY_LINE.exec(line);
    if (m?.[1] === undefined) {
      i++;
      continue;
    }
    const key = unquote(m[1]);
    const rest = (m[2] ?? '').trim();
    if (rest === '') {
      const next = lines.slice(i + 1).find((l) => l.trim() !== '') ?? '';
      const [child, end] = parseYamlMapping(lines, i + 1, Math.max(indentOf(next), indent + 1));
      out[key] = child;
      i = end;
    } else if (/^[|>][-+\d]*$/.test(rest)) {
      const [text, end] = blockScalar(lines, i + 1, indentOf(line), rest);
      out[key] = text;
      i = end;
    } else {
      // A quoted scalar js-yaml wrapped over several lines continues until its closing quote.
      let value = rest;
      i++;
      const quote = value[0];
      while ((quote === "'" || quote === '"') && !closes(value, quote) && i < lines.length)
        value += ` ${(lines[i++] ?? '').trim()}`;
      out[key] = unquote(value);
    }
  }
  return [out, i];
}

function closes(value: string, quote: string): boolean {
  if (value.length < 2 || !value.endsWith(quote)) return false;
  const inner = value.slice(1, -1);
  return quote === "'" ? !/(?:^|[^'])(?:'')*'$/.test(inner) : !/(?:^|[^\\])(?:\\\\)*\\$/.test(inner);
}
