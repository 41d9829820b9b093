import { toRepoPath } from '../stack-frames.js';
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
    // Modules are lower-case by convention; "TestCalc" in "tests.test_calc.TestCalc" is a class.
    if (/^[A-Z]/.test(parts[used - 1] ?? '')) continue;
    const mod = parts.slice(0, used).join('/');
    const listed = ctx.files?.find(
      (f) => /\.[^./]+$/.test(f) && (stripExt(f) === mod || stripExt(f).endsWith(`/${mod}`)),
    );
    if (listed !== undefined) return { file: listed, used };
    if (ctx.isTestFile(`${mod}.py`)) return { file: `${mod}.py`, used };
  }
  return undefined;
}

/** Where a JUnit test case belongs: its file, the class/suite names its classname adds, whether it is the file itself. */
export interface JunitPlace {
  file: string;
  scope: string[];
  /** An entry standing for a whole file (pytest's collection errors, node's per-file test): errors here are collection errors. */
  fileLevel: boolean;
}

/** JUnit has no standard for files: pytest writes dotted module names, vitest a path, node none at all. */
export function resolveJunitFile(
  tc: { file?: string | undefined; classname?: string | undefined; name: string },
  ctx: AdapterContext,
): JunitPlace {
  const classname = tc.classname ?? '';
  // node names each file's implicit test after the file's absolute path.
  const named = PATH_LIKE.test(tc.name) && !tc.name.includes(' ') ? toRepoPath(tc.name, ctx.cwd) : undefined;
  if (named !== undefined && ctx.isTestFile(named)) return { file: named, scope: [], fileLevel: true };
  if (tc.file !== undefined && tc.file !== '') {
    const file = repoFile(tc.file, ctx.cwd);
    const mod = stripExt(file).split('/').join('.');
    const scope = classname.startsWith(`${mod}.`) ? classname.slice(mod.length + 1).split('.') : [];
    return { file, scope, fileLevel: false };
  }
  if (PATH_LIKE.test(classname) && !classname.includes(' '))
    return { file: repoFile(classname, ctx.cwd), scope: [], fileLevel: false };
  if (classname !== '') {
    const found = fromModule(classname, ctx);
    return {
      file: found?.file ?? '',
      scope: found ? classname.split('.').slice(found.used) : [],
      fileLevel: false,
    };
  }
  // No classname: pytest's collection error, named after the module ("tests.test_missing").
  const file = fromModule(tc.name, ctx)?.file ?? '';
  return { file, scope: [], fileLevel: file !== '' };
}
