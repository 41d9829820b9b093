import { lstat, readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { SandboxError } from '../src/errors.js';
import { CONFIG_FILE } from '../src/policy/config-file.js';

/** Why a path was refused; shared by the guard, the diff inspector and the applier. */
export type GuardRule =
  | 'absolute'
  | 'dotdot'
  | 'nul'
  | 'control_char'
  | 'unsafe_name'
  | 'too_long'
  | 'config_file'
  | 'fs_error'
  | 'git_dir'
  | 'agentctl_dir'
  | 'symlink'
  | 'submodule'
  | 'binary'
  | 'case_collision'
  | 'outside_root'
  | 'not_allowed'
  | 'denied'
  | 'too_large'
  | 'empty_path';

/** Write policy: picomatch globs (dot: true) on the normalised repo-relative path. */
export interface GuardPolicy {
  allow: string[];
  deny: string[];
}

/** The guard's answer for one path; `path` is normalised when it could be. */
export type GuardVerdict =
  { ok: true; path: string } | { ok: false; path: string; rule: GuardRule; message: string };

type Refusal = Extract<GuardVerdict, { ok: false }>;

/** Directory listings shared by the checks of one batch, keyed by absolute path. */
type ListingCache = Map<string, Promise<string[]>>;

/** C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators some parsers split lines on. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}
// Half of a UTF-16 pair on its own: UTF-8 encoding turns it into U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Linux's NAME_MAX and PATH_MAX, in bytes of the UTF-8 name.
const MAX_SEGMENT_BYTES = 255;
const MAX_PATH_BYTES = 4096;

// Characters HFS+ ignores in names, so ".g\u200Cit" would still open ".git" there (git's is_hfs_dotgit).
const IGNORABLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u206A-\u206F\uFEFF]/g;

/** True when `child` is `parent` or lies below it (both absolute, already resolved). */
export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A path as messages show it: quoted with every control character escaped, so a refusal cannot forge lines. */
export function showPath(path: string): string {
  return JSON.stringify(path).replace(
    /[\u007F-\u009F\u2028\u2029]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function refuse(path: string, rule: GuardRule, why: string): Refusal {
  return { ok: false, path, rule, message: `refused to write ${showPath(path)}: ${why} (rule ${rule})` };
}

/** Folds a name the way case-insensitive or normalising file systems do. */
function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** What a segment would mean on NTFS or HFS+: trailing dots and spaces and ignorable characters dropped. */
function canonicalSegment(segment: string): string {
  return foldName(segment.replace(IGNORABLE, '')).replace(/[. ]+$/, '');
}

/**
 * Names a unified diff would quote or alter (a quote, a backslash, whitespace at either end of a segment, which
 * jsdiff and git trim or escape), names too long for the file system, and spellings that are not the path's one
 * canonical form ("./a", "a//b", "a/"), so the name judged is exactly the name written, recorded and committed.
 */
function nameProblem(raw: string, segments: string[]): Refusal | null {
  if (raw.includes('\\')) {
    return refuse(
      raw,
      'unsafe_name',
      'a backslash in a name is altered by diff tools; use "/" between directories',
    );
  }
  if (LONE_SURROGATE.test(raw)) {
    return refuse(
      raw,
      'unsafe_name',
      'the name is not valid Unicode, so it would be written under another name',
    );
  }
  if (raw.includes('"'))
    return refuse(raw, 'unsafe_name', 'a double quote in a name is altered by diff tools');
  const edged = segments.find((segment) => /^\s|\s$/u.test(segment));
  if (edged !== undefined) {
    return refuse(
      raw,
      'unsafe_name',
      `the name ${showPath(edged)} starts or ends with whitespace, which diff tools drop`,
    );
  }
  const long = segments.find((segment) => Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES);
  if (long !== undefined) {
    const why = `the name ${showPath(long.slice(0, 40))}... is ${Buffer.byteLength(long, 'utf8')} bytes; the file system allows ${MAX_SEGMENT_BYTES}`;
    return refuse(raw, 'too_long', why);
  }
  if (Buffer.byteLength(raw, 'utf8') > MAX_PATH_BYTES) {
    return refuse(raw, 'too_long', `the path is over ${MAX_PATH_BYTES} bytes`);
  }
  const path = segments.join('/');
  if (path !== raw) return refuse(raw, 'unsafe_name', `give the path in its canonical form, "${path}"`);
  return null;
}

/**
 * Rule sets a caller may leave out; every real writer uses them all (the default). Only `agentctl eval --sabotage
 * guard` passes `names: false`, to show its scenarios notice a guard without the control-character and name rules.
 */
export interface GuardRules {
  names: boolean;
}

const ALL_RULES: GuardRules = { names: true };

/** Lexical checks; returns the normalised segments or a refusal. */
function lexicalCheck(raw: string, rules: GuardRules): string[] | Refusal {
  if (raw.length === 0) return refuse(raw, 'empty_path', 'the path is empty');
  if (raw.includes('\0')) return refuse(raw, 'nul', 'the path contains a NUL byte');
  if (rules.names && hasControl(raw)) {
    return refuse(
      raw,
      'control_char',
      'the path contains a control character (C0, DEL, C1 or a line separator)',
    );
  }
  // Drive letters ("C:x", "C:\\x"), UNC ("\\\\host\\share", "//host/share") and POSIX roots.
  if (/^[A-Za-z]:/.test(raw) || raw.startsWith('/') || raw.startsWith('\\')) {
    return refuse(
      raw,
      'absolute',
      'absolute paths are not allowed; give a path relative to the repository root',
    );
  }
  // A backslash is a separator on Windows, so "..\\x" must count as "..".
  const segments = raw.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  // Windows also reads "..." and ".. " as the parent directory.
  if (segments.some((s) => /^[. ]+$/.test(s) && s.includes('..'))) {
    return refuse(raw, 'dotdot', '".." segments are not allowed');
  }
  const path = segments.join('/');
  if (segments.length === 0) return refuse(raw, 'empty_path', 'the path names the repository root itself');
  const unsafe = rules.names ? nameProblem(raw, segments) : null;
  if (unsafe !== null) return unsafe;
  for (const segment of segments) {
    const canon = canonicalSegment(segment);
    if (canon === '.git' || canon === 'git~1') {
      return refuse(path, 'git_dir', 'paths inside a .git directory (in any letter case) are not writable');
    }
    if (canon === '.agentctl')
      return refuse(path, 'agentctl_dir', '.agentctl/ holds agentctl runs and is not writable');
  }
  if (segments.length === 1 && canonicalSegment(segments[0] ?? '') === '.gitmodules') {
    return refuse(path, 'submodule', '.gitmodules configures submodules, which agentctl does not write');
  }
  if (segments.length === 1 && canonicalSegment(segments[0] ?? '') === CONFIG_FILE) {
    return refuse(path, 'config_file', `${CONFIG_FILE} sets agentctl's own policy; no proposal may write it`);
  }
  return segments;
}

function listing(cache: ListingCache, dir: string): Promise<string[]> {
  let entries = cache.get(dir);
  if (entries === undefined) {
    entries = readdir(dir).catch(() => []);
    cache.set(dir, entries);
  }
  return entries;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A file-system error on a proposed path is the proposal's problem: a refusal, never a crash. */
function fsRefusal(path: string, error: unknown): Refusal {
  const code = (error as NodeJS.ErrnoException).code ?? 'an error';
  return refuse(path, 'fs_error', `the file system refused to look it up (${code})`);
}

/** Walks the existing components: no symlinks, no nested repositories, no case twins. */
async function fileSystemCheck(
  rootReal: string,
  path: string,
  segments: string[],
  cache: ListingCache,
): Promise<Refusal | null> {
  let dir = rootReal;
  for (const [index, segment] of segments.entries()) {
    const entries = await listing(cache, dir);
    const twin = entries.find((entry) => entry !== segment && foldName(entry) === foldName(segment));
    if (twin !== undefined) {
      const where = relative(rootReal, join(dir, twin)).split(sep).join('/');
      return refuse(path, 'case_collision', `it differs only in letter case from the existing "${where}"`);
    }
    if (index > 0 && entries.some((entry) => foldName(entry) === '.git')) {
      const where = relative(rootReal, dir).split(sep).join('/');
      return refuse(path, 'submodule', `"${where}" is a nested repository or submodule`);
    }
    const current = join(dir, segment);
    let stats;
    try {
      stats = await lstat(current);
    } catch (error) {
      if (isMissing(error)) break;
      return fsRefusal(path, error);
    }
    if (stats.isSymbolicLink()) {
      const where = segments.slice(0, index + 1).join('/');
      return refuse(path, 'symlink', `"${where}" is a symbolic link; writes through links are not allowed`);
    }
    dir = current;
  }
  // Belt and braces: the deepest existing ancestor must still resolve inside the root.
  let deepestReal;
  try {
    deepestReal = await realpath(dir);
  } catch (error) {
    return fsRefusal(path, error);
  }
  if (!isWithin(rootReal, deepestReal)) {
    return refuse(path, 'outside_root', `its directory resolves to ${deepestReal}, outside the repository`);
  }
  return null;
}

function policyCheck(path: string, policy: GuardPolicy): Refusal | null {
  const denied = policy.deny.find((glob) => picomatch.isMatch(path, glob, { dot: true }));
  if (denied !== undefined) return refuse(path, 'denied', `it matches the deny glob "${denied}"`);
  if (!policy.allow.some((glob) => picomatch.isMatch(path, glob, { dot: true }))) {
    return refuse(
      path,
      'not_allowed',
      `it matches none of the allow globs (${policy.allow.join(', ') || 'none'})`,
    );
  }
  return null;
}

async function resolveRoot(root: string): Promise<string> {
  try {
    const rootReal = await realpath(root);
    if (!(await lstat(rootReal)).isDirectory()) throw new Error('not a directory');
    return rootReal;
  } catch (error) {
    throw new SandboxError(`the write root ${root} is not a usable directory: ${(error as Error).message}`);
  }
}

async function checkOne(
  rootReal: string,
  raw: string,
  policy: GuardPolicy,
  cache: ListingCache,
  rules: GuardRules = ALL_RULES,
): Promise<GuardVerdict> {
  const segments = lexicalCheck(raw, rules);
  if (!Array.isArray(segments)) return segments;
  const path = segments.join('/');
  return (
    (await fileSystemCheck(rootReal, path, segments, cache)) ??
    policyCheck(path, policy) ?? { ok: true, path }
  );
}

/**
 * Decides whether a writer may create, replace or delete `path` under `root`.
 * Lexical rules first (absolute, `..`, control characters, names diffs alter, over-long names, `.git`,
 * `.agentctl/`, agentctl.config.json), then the file system
 * (symlinks anywhere on the way, nested repositories, case twins), then allow/deny globs.
 */
export async function checkWritePath(root: string, path: string, policy: GuardPolicy): Promise<GuardVerdict> {
  return checkOne(await resolveRoot(root), path, policy, new Map());
}

/**
 * Checks a batch of paths as {@link checkWritePath} does, and also refuses paths that
 * differ only in letter case from another path of the batch (files or directories).
 * Verdicts come back in input order.
 */
export async function checkWritePaths(
  root: string,
  paths: string[],
  policy: GuardPolicy,
  rules: GuardRules = ALL_RULES,
): Promise<GuardVerdict[]> {
  const rootReal = await resolveRoot(root);
  const cache: ListingCache = new Map();
  const verdicts: GuardVerdict[] = [];
  for (const raw of paths) verdicts.push(await checkOne(rootReal, raw, policy, cache, rules));
  // Every prefix counts: "Src/a.ts" and "src/b.ts" would land in one directory on macOS.
  const spelled = new Map<string, string>();
  return verdicts.map((verdict) => {
    if (!verdict.ok) return verdict;
    const segments = verdict.path.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      const other = spelled.get(foldName(prefix));
      if (other !== undefined && other !== prefix) {
        return refuse(
          verdict.path,
          'case_collision',
          `it differs only in letter case from "${other}" in the same change`,
        );
      }
    }
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      spelled.set(foldName(prefix), prefix);
    }
    return verdict;
  });
}
