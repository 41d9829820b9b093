/** Readers for the few plain-text config formats runners use (INI, TOML tables, simple YAML), no dependencies. */

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]) return v.slice(1, -1);
  return v;
}

/** Removes a trailing `# comment` outside quotes. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** The lines of one `[section]` of an INI or TOML file, or null when the section is absent. */
function sectionLines(text: string, section: string): string[] | null {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `[${section}]`);
  if (start === -1) return null;
  const end = lines.findIndex((l, i) => i > start && /^\s*\[[^\]]+\]\s*$/.test(l));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** `key = value` pairs of an INI section (values may continue on indented lines); null when absent. */
export function iniSection(text: string, section: string): Record<string, string> | null {
  const lines = sectionLines(text, section);
  if (lines === null) return null;
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const raw of lines) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') continue;
    const pair = /^([\w.-]+)\s*[=:]\s*(.*)$/.exec(raw);
    if (pair !== null && !/^\s/.test(raw)) {
      last = pair[1]!;
      out[last] = pair[2]!.trim();
    } else if (last !== undefined) out[last] = `${out[last]}\n${raw.trim()}`;
  }
  return out;
}

/** The raw text of a section, for telling whether it changed. */
export function sectionText(text: string, section: string): string | null {
  return sectionLines(text, section)?.join('\n') ?? null;
}

function tomlValue(raw: string): string | string[] {
  const v = raw.trim();
  if (!v.startsWith('[')) return unquote(v);
  const items = v.slice(1, v.lastIndexOf(']')).match(/"(?:[^"\\]|\\.)*"|'[^']*'/g) ?? [];
  return items.map(unquote);
}

/** `key = value` pairs of a TOML table whose values are strings or arrays of strings; null when absent. */
export function tomlTable(text: string, table: string): Record<string, string | string[]> | null {
  const lines = sectionLines(text, table);
  if (lines === null) return null;
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < lines.length; i++) {
    const pair = /^\s*([\w.-]+|"[^"]+")\s*=\s*(.*)$/.exec(stripComment(lines[i]!));
    if (pair === null) continue;
    let value = pair[2]!;
    // A multi-line array runs until its brackets balance.
    while ((value.match(/\[/g)?.length ?? 0) > (value.match(/]/g)?.length ?? 0) && i + 1 < lines.length)
      value += ` ${stripComment(lines[++i]!)}`;
    out[unquote(pair[1]!)] = tomlValue(value);
  }
  return out;
}

/** Top-level keys of a simple YAML file: scalars, `[a, b]` lists and `- item` lists. */
export function yamlTopLevel(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  let list: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = stripComment(raw).trimEnd();
    if (line.trim() === '') continue;
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item !== null && list !== undefined) {
      const current = out[list];
      out[list] = [...(Array.isArray(current) ? current : []), unquote(item[1]!)];
      continue;
    }
    const pair = /^([\w.-]+|"[^"]+"|'[^']+'):\s*(.*)$/.exec(line);
    if (pair === null) {
      list = undefined;
      continue;
    }
    const key = unquote(pair[1]!);
    const value = pair[2]!.trim();
    if (value === '') {
      list = key;
      out[key] = [];
    } else {
      list = undefined;
      out[key] = value.startsWith('[')
        ? value
            .slice(1, value.lastIndexOf(']'))
            .split(',')
            .map(unquote)
            .filter((s) => s !== '')
        : unquote(value);
    }
  }
  return out;
}

/** A whitespace- or newline-separated INI list (`testpaths = testing docs`). */
export function words(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/\s+/).filter((w) => w !== '');
}
