import { isAbsolute, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One location in a stack trace, innermost first; `file` as the trace wrote it (path, file URL or relative). */
export interface Frame {
  file: string;
  line: number;
}

const JS_FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):\d+\)?\s*$/;
const PY_PYTEST_FRAME = /^(\S[^:\s]*\.py):(\d+):/;
const PY_TRACEBACK_FRAME = /^\s*File "(.+?)", line (\d+)/;

/** Frames of a JS stack (innermost first) or of a Python traceback (reversed, so innermost first too). */
export function parseFrames(stack: string): Frame[] {
  const lines = stack.split('\n');
  const js: Frame[] = [];
  for (const line of lines) {
    const m = JS_FRAME.exec(line);
    if (m?.[1] !== undefined) js.push({ file: m[1], line: Number(m[2]) });
  }
  if (js.length > 0) return js;
  const py: Frame[] = [];
  for (const line of lines) {
    const m = PY_PYTEST_FRAME.exec(line) ?? PY_TRACEBACK_FRAME.exec(line);
    if (m?.[1] !== undefined) py.push({ file: m[1], line: Number(m[2]) });
  }
  // Python prints the outermost call first.
  return py.reverse();
}

/** Runtime, dependency and interpreter frames: never the project's own code. */
export function isExternalFile(file: string): boolean {
  return (
    file.startsWith('node:') ||
    file.startsWith('internal/') ||
    file.startsWith('<') ||
    file === 'native' ||
    /[\\/](node_modules|site-packages|dist-packages)[\\/]/.test(file) ||
    /[\\/]lib[\\/]python\d/.test(file) ||
    file.includes('<frozen')
  );
}

/** `file` as a repo-relative path with forward slashes, or undefined when it lies outside cwd. */
export function toRepoPath(file: string, cwd: string): string | undefined {
  let path = file.replace(/[?#].*$/, '');
  if (path.startsWith('file://')) {
    try {
      path = fileURLToPath(path);
    } catch {
      return undefined;
    }
  }
  const rel = isAbsolute(path) ? relative(cwd, path) : normalize(path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split('\\').join('/');
}

/** The repo-relative file of the innermost frame that is the project's own code, if any. */
export function firstProjectFile(stack: string | undefined, cwd: string): string | undefined {
  if (stack === undefined) return undefined;
  for (const frame of parseFrames(stack)) {
    if (isExternalFile(frame.file)) continue;
    const rel = toRepoPath(frame.file, cwd);
    if (rel !== undefined && !isExternalFile(`/${rel}`)) return rel;
  }
  return undefined;
}

/** The first frame lines of a stack, preferring the project's own, for the evidence bundle. */
export function trimStack(stack: string | undefined, max = 6): string | undefined {
  if (stack === undefined) return undefined;
  const frames = stack
    .split('\n')
    .filter((l) => JS_FRAME.test(l) || PY_PYTEST_FRAME.test(l) || PY_TRACEBACK_FRAME.test(l));
  const own = frames.filter((l) => {
    const file = (JS_FRAME.exec(l) ?? PY_PYTEST_FRAME.exec(l) ?? PY_TRACEBACK_FRAME.exec(l))?.[1];
    return file !== undefined && !isExternalFile(file);
  });
  const kept = (own.length > 0 ? own : frames).slice(0, max).map((l) => l.trim());
  return kept.length > 0 ? kept.join('\n') : undefined;
}
