import { describe, expect, it } from 'vitest';
import { crossCheckBranch } from '../../src/journal/branch-audit.js';
import { gitOut, readText, runScenario } from '../helpers/fixture-repo.js';
import { expectReplays } from '../helpers/replay.js';

/** propose_change end to end: a real repo, the real node:test runner, the real runtime, a scripted model. */
describe('propose_change: a task that changes no behavior', () => {
  it('a rename in comments, docs and package metadata commits with no RED, the suite green', async () => {
    const r = await runScenario('calc-node', 'non-behavioral-change');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.attempts).toBe(0);
    if (r.state.phase !== 'DONE' || !('changePatch' in r.state)) throw new Error('not a change run');
    const { sha, branch } = r.state.commit;
    const files = await gitOut(r.repo, ['show', '--name-only', '--format=', sha]);
    expect(files.split('\n').sort()).toEqual(['README.md', 'package.json', 'src/calc.js']);
    expect(await gitOut(r.repo, ['show', `${sha}:src/calc.js`])).toContain('an array of numbers');
    const message = await gitOut(r.repo, ['log', '-1', '--format=%B', sha]);
    expect(message).toMatch(/^Agentctl-Red: not required \(non-behavioral change\)$/m);
    expect(message).toMatch(
      /^Agentctl-Change: non-behavioral \(README\.md: not code; package\.json: package metadata only.*; src\/calc\.js: comments, formatting or types only\)$/m,
    );
    expect(message).toMatch(new RegExp(`^Agentctl-Change-Patch: ${r.state.changePatch.sha}$`, 'm'));
    expect(message).not.toMatch(/^Agentctl-Test-Patch:/m);
    // No RED run: the only test runs are the baseline and the full suite on the change.
    const purposes = r.journal.filter((e) => e.type === 'test_report').map((e) => e.phase);
    expect(purposes).toEqual(['ORIENT:baseline', 'VERIFY_CHANGE:full']);
    const gates = r.journal
      .filter((e) => e.type === 'gate_verdict')
      .map((e) => (e.payload as { gate: string }).gate);
    expect(gates).toEqual(['NON_BEHAVIORAL', 'GREEN']);
    // The branch audit accepts the change commit against the journal.
    const log = await gitOut(r.repo, ['log', '-1', '--format=%H%x00%B', branch]);
    const [head = '', body = ''] = log.split('\0');
    const checks = crossCheckBranch(r.journal, r.ctx.runId, branch, [{ sha: head, message: body }]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toContain(`commit ${head.slice(0, 12)} change patch`);
    const evidence = await readText(r.ctx.runDir, 'evidence.md');
    expect(evidence).toContain('## Non-behavioral change (no RED required)');
    expect(evidence).toContain('- src/calc.js: comments, formatting or types only');
  });

  it('a behavior change sent as propose_change is refused naming the file; the run goes on down RED', async () => {
    const r = await runScenario('calc-node', 'disguised-change');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history.map((h) => [h.phase, h.kind])).toEqual([['VERIFY_CHANGE', 'change_refused']]);
    expect(r.state.history[0]?.reason).toMatch(
      /^propose_change refused: src\/calc\.js: runtime syntax changed; a behavior change needs a failing test first/,
    );
    // Refused before any test ran on it; then RED and GREEN as usual.
    const purposes = r.journal.filter((e) => e.type === 'test_report').map((e) => e.phase);
    expect(purposes).not.toContain('VERIFY_CHANGE:full');
    expect(purposes).toContain('VERIFY_RED');
    if (r.state.phase !== 'DONE' || !('red' in r.state)) throw new Error('not a RED run');
    const message = await gitOut(r.repo, ['log', '-1', '--format=%B', r.state.commit.sha]);
    expect(message).toMatch(/^Agentctl-Red: test\/average-empty\.test\.js > /m);
    const told = r.journal.find(
      (e) => e.type === 'effect_intent' && JSON.stringify(e.payload).includes('change_refused'),
    );
    expect(JSON.stringify(told?.payload)).toContain('show the behavior with a failing test (propose_test)');
  });
});
