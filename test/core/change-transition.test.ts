/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { describe, expect, it } from 'vitest';
import type { Effect, RunEvent } from '../../src/core/events.js';
import type { ChangeVerdict, GreenVerdict, PatchRef } from '../../src/core/evidence.js';
import type { RunState } from '../../src/core/state.js';
import { startRun, transition } from '../../src/core/transition.js';

const limits = {
  maxTurns: 10,
  maxInputTokens: 1000,
  maxOutputTokens: 1000,
  maxCostUsd: 1,
  maxWallMs: 60_000,
};
const baseline = { testIds: ['t > a'], failing: [], skipped: [], reportSha: 'b', collectionErrors: 0 };
const change: PatchRef = { sha: 'c1', diff: 'diff', files: ['README.md'], summary: 'docs', changedLines: 2 };
const accepted: ChangeVerdict = {
  ok: true,
  reason: 'non_behavioral',
  message: 'non-behavioral: README.md (not code)',
  files: [{ path: 'README.md', reason: 'not code' }],
};
const refused: ChangeVerdict = {
  ok: false,
  reason: 'behavior_change',
  message: 'src/a.js: runtime syntax changed; a behavior change needs a failing test first (propose_test)',
  files: [{ path: 'src/a.js', reason: 'runtime syntax changed' }],
};
const green: GreenVerdict = {
  ok: true,
  reason: 'green',
  message: 'GREEN',
  failures: [],
  reportSha: 'g',
  reverted: [],
  preexistingFailures: [],
};
const red = { ...green, ok: false, reason: 'suite_fails' as const, message: 'the full suite fails: t > a' };
const input = { summary: 'docs', edits: [{ op: 'create', path: 'README.md', content: 'x' }] };

function run(events: RunEvent[]): { state: RunState; effects: Effect[] } {
  let t = startRun({ runId: 'r1', task: 'task', maxAttempts: 3, limits });
  for (const e of events) t = transition(t.state, e);
  return t;
}
const toVerify: RunEvent[] = [
  { type: 'baseline_ran', baseline },
  { type: 'model_turn', turn: { text: 'plan', calls: [] }, usage: { turns: 1 } },
  { type: 'model_turn', turn: { calls: [{ name: 'propose_change', input }] }, usage: { turns: 1 } },
  { type: 'patch_applied', patchKind: 'change', patch: change },
];
const toReview: RunEvent[] = [...toVerify, { type: 'change_checked', change: accepted, green }];
const decide = (decision: 'approve' | 'reject' | 'edit', patchSha = 'c1'): RunEvent => ({
  type: 'review_decided',
  decision,
  patchSha,
  by: 'ada',
  ...(decision === 'reject' ? { reason: 'not now' } : {}),
});

describe('transition: the propose_change path', () => {
  it('propose_change in AUTHOR_TEST applies from base, then the change is verified', () => {
    const t = run(toVerify.slice(0, 3));
    expect(t.effects).toEqual([{ kind: 'apply_patch', patchKind: 'change', input, resetTo: 'base' }]);
    expect(run(toVerify).effects).toEqual([{ kind: 'verify_change', patch: change }]);
    expect(run(toVerify).state.phase).toBe('VERIFY_CHANGE');
  });

  it('non-behavioral and GREEN goes to review with the verdict instead of RED, then commits on approval', () => {
    const review = run(toReview);
    expect(review.state.phase).toBe('REVIEW');
    expect(review.effects).toEqual([{ kind: 'request_review', patch: change, change: accepted, green }]);
    const committed = run([...toReview, decide('approve')]);
    expect(committed.effects).toEqual([
      { kind: 'commit', changePatch: change, change: accepted, green, approvedBy: 'ada' },
    ]);
    const done = run([...toReview, decide('approve'), { type: 'committed', sha: 's', branch: 'b' }]);
    expect(done.state.phase).toBe('DONE');
    expect(done.state.attempts).toBe(0);
  });

  it.each([
    [
      'not non-behavioral',
      refused,
      null,
      /^Attempt 1 of 3 failed \(change_refused\)\. propose_change refused: src\/a\.js: runtime syntax changed/,
    ],
    ['the suite fails', accepted, red, /propose_change verdict/],
  ] as const)('%s: one attempt, back to AUTHOR_TEST with the reason', (_name, verdict, suite, told) => {
    const t = run([...toVerify, { type: 'change_checked', change: verdict, green: suite }]);
    expect(t.state.phase).toBe('AUTHOR_TEST');
    expect(t.state.attempts).toBe(1);
    expect(t.state.history[0]).toMatchObject({
      phase: 'VERIFY_CHANGE',
      kind: 'change_refused',
      patch: change,
    });
    const ask = t.effects[0];
    expect(ask?.kind).toBe('ask_model');
    if (ask?.kind !== 'ask_model') return;
    expect(ask.feedback[0]).toMatch(told);
    expect(ask.feedback[0]).toContain('propose_test');
  });

  it('a rejection counts an attempt and returns to AUTHOR_TEST; an edit or a stale approval asks again', () => {
    const rejected = run([...toReview, decide('reject')]);
    expect(rejected.state.phase).toBe('AUTHOR_TEST');
    expect(rejected.state.history[0]).toMatchObject({ phase: 'REVIEW', kind: 'rejected' });
    const edited = run([...toReview, decide('edit')]);
    expect(edited.state.phase).toBe('REVIEW');
    expect(edited.effects[0]).toMatchObject({
      kind: 'request_review',
      notice: expect.stringMatching(/reject it/),
    });
    const stale = run([...toReview, decide('approve', 'other')]);
    expect(stale.effects).toEqual([{ kind: 'request_review', patch: change, change: accepted, green }]);
  });

  it('propose_change is refused after RED, where the run already changes behavior', () => {
    const t = run([
      { type: 'baseline_ran', baseline },
      { type: 'model_turn', turn: { text: 'plan', calls: [] }, usage: { turns: 1 } },
      { type: 'model_turn', turn: { calls: [{ name: 'propose_test', input }] }, usage: { turns: 1 } },
      { type: 'patch_applied', patchKind: 'test', patch: { ...change, sha: 't1' } },
      {
        type: 'red_checked',
        verdict: {
          ok: true,
          reason: 'red',
          message: 'RED',
          newTestIds: ['t > n'],
          failures: [],
          reportSha: 'r',
        },
      },
      { type: 'tests_locked', lock: { hashes: {}, testIds: ['t > n'], assertionCounts: {}, tree: 'tr' } },
      { type: 'model_turn', turn: { calls: [{ name: 'propose_change', input }] }, usage: { turns: 1 } },
    ]);
    expect(t.state.phase).toBe('AUTHOR_FIX');
    expect(t.state.history[0]?.reason).toMatch(/propose_change refused: a failing test is locked in/);
  });
});
