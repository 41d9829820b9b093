import { createHash } from 'node:crypto';
import { classifyChange } from '../../gates/behavior-change.js';
import type { ChangedFile } from '../ci/git-changes.js';
import { changedFiles } from '../ci/git-changes.js';
import { redOnBase, redTestFiles, type BaseJudgement } from '../ci/red-on-base.js';
import { declaredCounts } from '../ci/red-judge.js';
import { checkoutPaths, closeScratch, openScratch, runIn, type Scratch } from '../ci/scratch.js';
import { diffTests } from '../ci/test-diff.js';
import { fileInTree } from '../git/repo.js';
import type { GuardPolicy } from './policy.js';
import { READABLE, wantsContent } from './policy.js';
import type { LockedFile } from './session.js';

/** RED for a guard session: the verdict, and the test side that gets locked when it holds. */
export interface GuardRed {
  ok: boolean;
  judgements: BaseJudgement[];
  message: string;
  locked: LockedFile[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Runs the session's new and changed tests (as they are in `snapshot`) on the base production code, with the
 * same scratch trees, runner profiles, sandbox, stub rule and RED judgement `ci check` uses. `production` is
 * the edit that asked for RED (both sides, for the stub rule). Passes when one test fails for the right reason.
 */
export async function guardRed(
  root: string,
  base: string,
  snapshot: string,
  policy: GuardPolicy,
  production: ChangedFile[],
  progress: (message: string) => void,
): Promise<GuardRed> {
  const files = await changedFiles(root, base, snapshot, wantsContent);
  const changes = files.map((f) => classifyChange(f, policy.kindOf));
  const testSide = files.filter((_, i) => ['test', 'test_config'].includes(changes[i]!.category));
  const tests = testSide.filter((f) => policy.isTest(f.path) && READABLE.test(f.path));
  const diff = diffTests(tests);
  const locked = await Promise.all(
    testSide.map(async (f) => {
      const text = await fileInTree(root, snapshot, f.path);
      return { path: f.path, sha256: text === null ? null : sha256(text) };
    }),
  );
  if (redTestFiles(diff, tests).length === 0 || diff.candidates.size === 0)
    return {
      ok: false,
      judgements: [],
      locked,
      message:
        'no new or changed test yet. Write a test that fails on the current code for the behavior you are about to change (RED), then edit the production code',
    };
  const scratches: Scratch[] = [];
  const open = async (label: string) => {
    const s = await openScratch(root, base, label);
    scratches.push(s);
    return s;
  };
  try {
    const baseRun = open('guard-base').then((s) => runIn(s, policy.config, policy.isTest, []));
    baseRun.catch(() => undefined);
    const scratch = await open('guard-red');
    await checkoutPaths(
      scratch,
      snapshot,
      testSide.filter((f) => f.status !== 'deleted').map((f) => f.path),
    );
    const baseIds = baseRun.then((r) => new Set(r.report.tests.map((t) => t.id)));
    baseIds.catch(() => undefined);
    const baseErrors = baseRun.then((r) => r.report.collectionErrors);
    baseErrors.catch(() => undefined);
    const judgements = await redOnBase(
      {
        scratch,
        config: policy.config,
        isTestFile: policy.isTest,
        diff,
        testFiles: tests,
        production,
        baseIds,
        baseErrors,
        progress,
      },
      declaredCounts(diff.head),
    );
    await baseRun.catch(() => undefined);
    const good = judgements.filter((j) => j.verdict.ok);
    const message =
      good.length > 0
        ? good.map((j) => j.verdict.message).join('; ')
        : judgements.length === 0
          ? 'the new or changed tests were not collected when run on the current code'
          : judgements.map((j) => `${j.id}: ${j.verdict.message}`).join('; ');
    return { ok: good.length > 0, judgements, message, locked };
  } finally {
    for (const s of scratches) await closeScratch(s);
  }
}
