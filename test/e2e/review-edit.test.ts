import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { packageFile } from '../../src/paths.js';
import type { Approver, ReviewDecision, ReviewRequest } from '../../src/runtime/context.js';
import { recountHunks, resolveUnifiedDiff } from '../../src/runtime/proposal-patch.js';
import { gitOut, runScenario } from '../helpers/fixture-repo.js';

describe('recounting a hand-edited diff', () => {
  const before = 'a\nb\nc\n';
  const diff = '--- a/x.js\n+++ b/x.js\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n';

  it('fixes the counts after a line is added, and reads an emptied context line as context', async () => {
    const edited = diff.replace('+B\n', '+B\n+extra\n').replace('\n c\n', '\n\n');
    const text = `${before.replace('c\n', '\n')}`;
    const recounted = recountHunks(edited);
    expect(recounted).toContain('@@ -1,3 +1,4 @@');
    const resolved = await resolveUnifiedDiff(recounted, () => Promise.resolve(text), 'edit');
    expect(resolved.ok && resolved.changes[0]).toMatchObject({ after: 'a\nB\nextra\n\n' });
  });

  it('leaves a correct diff as it is, file headers and all', () => {
    const two = `${diff}--- a/y.js\n+++ b/y.js\n@@ -1 +1 @@\n-y\n+Y\n`;
    expect(recountHunks(two)).toBe(two.replace('@@ -1 +1 @@', '@@ -1,1 +1,1 @@'));
  });
});

/** A reviewer who decides from a script, and keeps every request they were shown. */
function scriptedReviewer(
  steps: Array<(r: ReviewRequest) => ReviewDecision>,
): Approver & { seen: ReviewRequest[] } {
  const seen: ReviewRequest[] = [];
  return {
    seen,
    review(request) {
      seen.push(request);
      const step = steps[seen.length - 1];
      return Promise.resolve(step === undefined ? { decision: 'quit', by: 'ada' } : step(request));
    },
  };
}

describe('editing the fix at review, on a real repo with its real test runner', () => {
  it('a broken edit and one touching a locked test come back with the reason; a good edit is checked and committed', async () => {
    const testFile = await readFile(
      packageFile('fixtures', 'repos', 'calc-node', 'test', 'calc.test.js'),
      'utf8',
    );
    const firstLine = testFile.split('\n')[0]!;
    const reviewer = scriptedReviewer([
      (r) => ({
        decision: 'edit',
        by: 'ada',
        diff: r.patch.diff.replace('+    return 0;', '+    return 1;'),
      }),
      (r) => ({
        decision: 'edit',
        by: 'ada',
        diff: `${r.patch.diff}--- a/test/calc.test.js\n+++ b/test/calc.test.js\n@@ -1,1 +1,2 @@\n+// touched\n ${firstLine}\n`,
      }),
      // The counts in the hunk header are left wrong, as a hand edit leaves them.
      (r) => ({
        decision: 'edit',
        by: 'ada',
        diff: r.patch.diff.replace(
          '+    return 0;\n',
          '+    return 0; // nothing to average\n+    // reviewed\n',
        ),
      }),
      (r) => ({ decision: 'approve', by: 'ada', reason: r.patch.sha }),
    ]);
    const run = await runScenario('calc-node', 'happy-path', reviewer);
    expect(run.state.phase).toBe('DONE');
    expect(run.state.attempts).toBe(0);

    const [original, afterBroken, afterLocked, edited] = reviewer.seen;
    expect(afterBroken!.patch.sha).toBe(original!.patch.sha);
    expect(afterBroken!.notice).toMatch(/^your edit is not GREEN/);
    expect(afterLocked!.patch.sha).toBe(original!.patch.sha);
    expect(afterLocked!.notice).toMatch(/^your edit was refused/);
    expect(edited!.notice).toBeUndefined();
    expect(edited!.patch.summary).toContain('(edited by ada at review)');
    expect(edited!.green.ok).toBe(true);

    if (run.state.phase !== 'DONE' || !('fixPatch' in run.state)) return;
    expect(run.state.fixPatch.sha).toBe(edited!.patch.sha);
    const committed = await gitOut(run.repo, ['show', `${run.state.commit.branch}:src/calc.js`]);
    expect(committed).toContain('    // reviewed');
    expect(await gitOut(run.repo, ['show', `${run.state.commit.branch}:test/calc.test.js`])).not.toContain(
      '// touched',
    );
    // Each edit is in the journal: the reviewer's diff, as recounted, and the verdict it earned.
    const edits = run.journal.filter(
      (e) => e.type === 'approval_decided' && (e.payload as { decision: string }).decision === 'edit',
    );
    expect(edits).toHaveLength(3);
    expect((edits[2]!.payload as { diff: string }).diff).toMatch(/@@ -\d+,6 \+\d+,10 @@/);
  });
});
