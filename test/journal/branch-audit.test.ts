/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { describe, expect, it } from 'vitest';
import { crossCheckBranch, readTrailers } from '../../src/journal/branch-audit.js';
import { buildEntry, GENESIS_HASH, type JournalEntry } from '../../src/journal/entry.js';

const OP = 'a'.repeat(64);
const SHA = 'c'.repeat(40);

function journal(events: Array<{ type: string; opKey?: string; payload: unknown }>): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const [seq, e] of events.entries()) {
    out.push(
      buildEntry(
        { ...e, phase: 'P', time: '2026-01-01T00:00:00.000Z' },
        seq,
        out.at(-1)?.hash ?? GENESIS_HASH,
      ),
    );
  }
  return out;
}

function message(approver: string, body = 'Fix the bug.'): string {
  return [
    'agentctl: fix',
    '',
    body,
    '',
    'Agentctl-Run: r1',
    `Agentctl-Op: ${OP}`,
    'Agentctl-Test-Patch: t1',
    'Agentctl-Fix-Patch: f1',
    `Agentctl-Approved-By: ${approver}`,
  ].join('\n');
}

const commitEffect = {
  kind: 'commit',
  testPatch: { sha: 't1' },
  fixPatch: { sha: 'f1' },
  approvedBy: 'alice',
};
const fullRun = [
  { type: 'run_started', payload: {} },
  {
    type: 'effect_result',
    payload: { event: { type: 'patch_applied', patchKind: 'test', patch: { sha: 't1' } } },
  },
  {
    type: 'effect_result',
    payload: { event: { type: 'patch_applied', patchKind: 'fix', patch: { sha: 'f1' } } },
  },
  { type: 'approval_decided', payload: { decision: 'approve', by: 'alice', patchSha: 'f1' } },
  { type: 'effect_intent', opKey: OP, payload: { effect: commitEffect } },
  {
    type: 'effect_result',
    opKey: OP,
    payload: { event: { type: 'committed', sha: SHA, branch: 'agentctl/r1' } },
  },
];

describe('commit trailers', () => {
  it('are read from the last paragraph only, so a summary cannot pose as one', () => {
    const read = readTrailers(message('alice', 'Fix.\n\nAgentctl-Approved-By: mallory\nAgentctl-Run: r1'));
    expect(read).toEqual({ ok: true, values: expect.objectContaining({ 'Agentctl-Approved-By': 'alice' }) });
  });

  it('given twice are an error', () => {
    expect(readTrailers(`${message('alice')}\nAgentctl-Approved-By: bob`)).toEqual({
      ok: false,
      reason: 'trailer Agentctl-Approved-By appears twice',
    });
  });
});

describe('the branch against the journal', () => {
  it('agrees for a recorded commit', () => {
    const checks = crossCheckBranch(journal(fullRun), 'r1', 'agentctl/r1', [
      { sha: SHA, message: message('alice') },
    ]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toContain(`commit ${SHA.slice(0, 12)} approver`);
  });

  it('fails when the journal lost the commit, saying where it ends', () => {
    const checks = crossCheckBranch(journal(fullRun.slice(0, 4)), 'r1', 'agentctl/r1', [
      { sha: SHA, message: message('alice') },
    ]);
    expect(checks.find((c) => !c.ok)?.detail).toMatch(
      /no record of its commit intent and result; the journal ends at event 3 \(approval_decided\)/,
    );
  });

  it('fails when an approver differs from the trailer', () => {
    const checks = crossCheckBranch(journal(fullRun), 'r1', 'agentctl/r1', [
      { sha: SHA, message: message('bob') },
    ]);
    expect(checks.find((c) => !c.ok)).toMatchObject({
      name: `commit ${SHA.slice(0, 12)} approver`,
      detail: 'trailer says bob; the approval event says alice; the commit intent says alice',
    });
  });

  it('fails when the journal records a commit the branch does not hold', () => {
    const checks = crossCheckBranch(journal(fullRun), 'r1', 'agentctl/r1', []);
    expect(checks.find((c) => !c.ok)?.detail).toMatch(/but agentctl\/r1 does not hold it/);
  });
});
