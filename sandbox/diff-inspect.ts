import type { GuardRule } from './path-guard.js';

/** Limits for {@link inspectUnifiedDiff}, from the `sandbox` section of the config. */
export interface DiffInspectOptions {
  allowBinary: boolean;
  maxBytes: number;
}

/** Every path the patch names, or the first reason to refuse it. */
export type DiffInspection =
  { ok: true; paths: string[] } | { ok: false; path: string; rule: GuardRule; message: string };

const GIT_HEADER = /^diff --git (.+)$/;
const MODE_LINE = /^(?:new file mode|deleted file mode|old mode|new mode) ([0-7]+)\s*$/;
const INDEX_LINE = /^index [0-9a-f]+\.\.[0-9a-f]+ ([0-7]+)\s*$/;
const NAME_LINE = /^(?:rename|copy) (?:from|to) (.+)$/;
const BINARY_LINE = /^(?:GIT binary patch|Binary files .* differ)\s*$/;
const BINARY_NAMES = /^Binary files (.+) and (.+) differ\s*$/;
const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of names with unusual characters ("a/caf\303\251"). */
function unquote(name: string): string {
  if (!name.startsWith('"') || !name.endsWith('"') || name.length < 2) return name;
  const bytes: number[] = [];
  const body = name.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? '';
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (octal !== null) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      const next = body[i + 1] ?? '';
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A header name: unquoted, a trailing timestamp dropped, git's a/ or b/ prefix removed. */
function headerName(raw: string, prefixed: boolean): string | null {
  const name = unquote(raw.includes('\t') ? raw.slice(0, raw.indexOf('\t')) : raw.trimEnd());
  if (name === '/dev/null') return null;
  return prefixed && /^[ab]\//.test(name) ? name.slice(2) : name;
}

/** The names of `diff --git a/x b/y`, when they can be told apart (quoted, space-free, or equal). */
function gitHeaderNames(rest: string): string[] {
  const words = rest.match(/"(?:[^"\\]|\\.)*"|[^ ]+/g) ?? [];
  if (words.length === 2) return words.map((word) => headerName(word, true) ?? '');
  const half = (rest.length - 1) / 2;
  const left = rest.slice(0, half);
  if (Number.isInteger(half) && left.slice(2) === rest.slice(half + 1).slice(2)) {
    return [headerName(left, true) ?? ''];
  }
  // Differing names with spaces: the ---/+++ or rename lines name both sides, so nothing is lost.
  return [];
}

function modeRefusal(mode: string, path: string): DiffInspection | null {
  if (mode === '120000') {
    return {
      ok: false,
      path,
      rule: 'symlink',
      message: `refused patch: "${path}" is a symbolic link (mode 120000) (rule symlink)`,
    };
  }
  if (mode === '160000') {
    return {
      ok: false,
      path,
      rule: 'submodule',
      message: `refused patch: "${path}" is a submodule (mode 160000) (rule submodule)`,
    };
  }
  if (!/^100[0-7]{3}$/.test(mode)) {
    return {
      ok: false,
      path,
      rule: 'denied',
      message: `refused patch: "${path}" has unsupported file mode ${mode} (rule denied)`,
    };
  }
  return null;
}

/**
 * Reads a unified diff without applying it: refuses symlink and submodule entries,
 * binary patches (unless allowed) and oversized patches, and returns every path it
 * names, old and new, so the caller can run each through the path guard.
 * Header-like lines are collected wherever they appear: a hunk with wrong line counts
 * must not hide a file header from the guard.
 */
export function inspectUnifiedDiff(text: string, opts: DiffInspectOptions): DiffInspection {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > opts.maxBytes) {
    const message = `refused patch: ${size} bytes is over the limit of ${opts.maxBytes} bytes (rule too_large)`;
    return { ok: false, path: '', rule: 'too_large', message };
  }
  const lines = text.split(/\r?\n/);
  const gitStyle = lines.some((line) => GIT_HEADER.test(line));
  const paths = new Set<string>();
  let current = '';
  const name = (found: string): void => {
    paths.add(found);
    current = found;
  };
  for (const [i, line] of lines.entries()) {
    const git = GIT_HEADER.exec(line);
    if (git) gitHeaderNames(git[1] ?? '').forEach(name);
    const renamed = NAME_LINE.exec(line);
    if (renamed) name(unquote(renamed[1] ?? ''));
    // A file header is a "---" line directly followed by a "+++" line.
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      const oldRaw = line.slice(4);
      const newRaw = lines[i + 1]?.slice(4) ?? '';
      // Without a `diff --git` line, a/ and b/ are still prefixes when both sides use them (jsdiff output).
      const prefixed =
        gitStyle || (/^("?a\/|\/dev\/null)/.test(oldRaw) && /^("?b\/|\/dev\/null)/.test(newRaw));
      const oldName = headerName(oldRaw, prefixed);
      const newName = headerName(newRaw, prefixed);
      if (oldName !== null) name(oldName);
      if (newName !== null) name(newName);
    }
    const binary = BINARY_NAMES.exec(line);
    if (binary) {
      for (const raw of [binary[1] ?? '', binary[2] ?? '']) {
        const found = headerName(raw, gitStyle);
        if (found !== null) name(found);
      }
    }
    const mode = MODE_LINE.exec(line) ?? INDEX_LINE.exec(line);
    const refusal = mode ? modeRefusal(mode[1] ?? '', current) : null;
    if (refusal) return refusal;
    if (!opts.allowBinary && (BINARY_LINE.test(line) || line.includes('\0'))) {
      const message = `refused patch: "${current}" is a binary change; binary patches are disabled (rule binary)`;
      return { ok: false, path: current, rule: 'binary', message };
    }
  }
  return { ok: true, paths: [...paths] };
}
