import { repoFile } from './report-helpers.js';
import type { AdapterContext } from './types.js';

const PATH_LIKE = /[\\/]|\.(?:[cm]?[jt]sx?|py|rb|go|java|kt|cs|php|rs)$/;

function stripExt(file: string): string {
  return file.replace(/\.[^./]+$/, '');
}

/** The test file a dotted module name ("tests.test_calc") names, and how many of its parts that took. */
function fromModule(dotted: string, ctx: AdapterContext): { file: string; used: number } | undefined {
  const parts = dotted.split('.');
  for (let used = parts.length; used > 0; used--) {
    const mod = parts.slice(0, used).join('/');
    const listed = ctx.files?.find((f) => stripExt(f) === mod || stripExt(f).endsWith(`/${mod}`));
    if (listed !== undefined) return { file: listed, used };
    if (ctx.isTestFile(`${mod}.py`)) return { file: `${mod}.py`, used };
  }
  return undefined;
}

/**
 * Which file a JUnit test case belongs to, and the class/suite names its classname adds to the test's path.
 * JUnit has no standard for this: pytest writes dotted module names, vitest a path, node none at all.
 */
export function resolveJunitFile(
  tc: { file?: string | undefined; classname?: string | undefined; name: string },
  ctx: AdapterContext,
): { file: string; scope: string[] } {
  const classname = tc.classname ?? '';
  if (tc.file !== undefined && tc.file !== '') {
    const file = repoFile(tc.file, ctx.cwd);
    const mod = stripExt(file).split('/').join('.');
    const scope = classname.startsWith(`${mod}.`) ? classname.slice(mod.length + 1).split('.') : [];
    return { file, scope };
  }
  if (PATH_LIKE.test(classname) && !classname.includes(' '))
    return { file: repoFile(classname, ctx.cwd), scope: [] };
  if (classname !== '') {
    const found = fromModule(classname, ctx);
    if (found !== undefined) return { file: found.file, scope: classname.split('.').slice(found.used) };
    return { file: '', scope: [] };
  }
  // No classname: a file-level entry (pytest's collection errors, node's per-file test) named after its file.
  if (PATH_LIKE.test(tc.name)) return { file: repoFile(tc.name, ctx.cwd), scope: [] };
  return { file: fromModule(tc.name, ctx)?.file ?? '', scope: [] };
}
