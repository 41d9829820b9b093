import { createHash } from 'node:crypto';
import { runCiCheck } from '../ci/check.js';
import type { CiVerdict } from '../ci/verdict.js';
import { fileInTree } from '../git/repo.js';
import type { LockedFile } from './session.js';

/** GREEN for a guard session: `ci check` of the working tree against the session base, and the lock. */
export interface GuardGreen {
  ok: boolean;
  verdict: CiVerdict;
  failures: string[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Checks `snapshot` (the working tree) against `base` the way `ci check` checks a pull request — the new tests
 * fail on base for the right reason and pass, the full suite passes, no test deleted, skipped or weakened —
 * and that every locked test file still holds the content it was locked with.
 */
export async function guardGreen(
  root: string,
  base: string,
  snapshot: string,
  locked: readonly LockedFile[],
  progress: (message: string) => void,
): Promise<GuardGreen> {
  const verdict = await runCiCheck({ cwd: root, base, head: snapshot, progress });
  const failures = verdict.findings.map((f) => f.message);
  for (const c of verdict.checks)
    if (c.status === 'fail' && !verdict.findings.some((f) => f.check === c.id))
      failures.push(`${c.title}: ${c.summary}`);
  for (const file of locked) {
    const text = await fileInTree(root, snapshot, file.path);
    const now = text === null ? null : sha256(text);
    if (now !== file.sha256)
      failures.push(
        `${file.path} was locked at RED and has changed since; restore it (the tests are the contract)`,
      );
  }
  return { ok: failures.length === 0, verdict, failures };
}
