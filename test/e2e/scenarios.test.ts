import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitOut, readText, runScenario } from '../helpers/fixture-repo.js';
import { expectReplays } from '../helpers/replay.js';

/**
 * Every cassette of the foundation, end to end: a real temp git repo, the real test runner, the real runtime.
 * Nothing here is canned: each verdict comes from running the fixture's tests.
 */
describe('gated runs on fixture repos', () => {
  it('calc-node demo: refused fix, RED, failed fix, GREEN, commit; the user checkout is untouched', async () => {
    const r = await runScenario('calc-node', 'demo');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history.map((h) => h.kind)).toEqual(['refused', 'green_failed']);
    if (r.state.phase !== 'DONE') return;
    const { sha, branch } = r.state.commit;
    expect(branch).toBe(`agentctl/${r.ctx.runId}`);
    expect(await gitOut(r.repo, ['rev-parse', branch])).toBe(sha);
    const files = await gitOut(r.repo, ['show', '--name-only', '--format=', sha]);
    expect(files.split('\n').sort()).toEqual(['src/calc.js', 'test/average-empty.test.js']);
    const message = await gitOut(r.repo, ['log', '-1', '--format=%B', sha]);
    expect(message).toMatch(/^Agentctl-Op: [0-9a-f]{64}$/m);
    expect(message).toMatch(
      /^Agentctl-Red: test\/average-empty\.test\.js > average of an empty list is 0 \(report [0-9a-f]{64}\)$/m,
    );
    expect(message).toMatch(/^Agentctl-Green: report [0-9a-f]{64}$/m);
    // The user's checkout, index and branch are as they were.
    expect(await gitOut(r.repo, ['rev-parse', '--abbrev-ref', 'HEAD'])).toMatch(/^(main|master)$/);
    expect(await gitOut(r.repo, ['status', '--porcelain'])).toBe('');
    expect(await readText(r.repo, 'src/calc.js')).toContain('numbers.length');
    expect(existsSync(join(r.repo, 'test/average-empty.test.js'))).toBe(false);
    // The journal tells the story.
    const types = r.journal.map((e) => e.type);
    expect(types[0]).toBe('run_started');
    expect(types).toContain('gate_verdict');
    expect(types.at(-1)).toBe('run_finished');
  });

  it('calc-node happy path commits with no failed attempt', async () => {
    const r = await runScenario('calc-node', 'happy-path');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.attempts).toBe(0);
  });

  it('calc-node: a test that already passes is refused as not constraining behavior', async () => {
    const r = await runScenario('calc-node', 'already-passing');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history[0]).toMatchObject({ kind: 'red_failed' });
    expect(r.state.history[0]?.reason).toMatch(/does not constrain behavior/);
  });

  it('calc-node: three wrong fixes escalate with an evidence bundle (exit 3)', async () => {
    const r = await runScenario('calc-node', 'three-wrong-fixes');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('ESCALATED');
    expect(r.state.history.map((h) => h.kind)).toEqual(['green_failed', 'green_failed', 'green_failed']);
    const evidence = await readText(r.ctx.runDir, 'evidence.md');
    expect(evidence).toMatch(/## RED evidence/);
    expect(evidence.match(/## Attempt \d: green_failed/g)).toHaveLength(3);
    expect(await gitOut(r.repo, ['branch', '--list', 'agentctl/*'])).toBe('');
  });

  it('calc-node: a fix that edits the locked test is refused and counted', async () => {
    const r = await runScenario('calc-node', 'edit-locked-test');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history[0]).toMatchObject({ kind: 'scope' });
    expect(r.state.history[0]?.reason).toMatch(/locked after RED/);
    if (r.state.phase !== 'DONE') return;
    const test = await gitOut(r.repo, ['show', `${r.state.commit.sha}:test/average-empty.test.js`]);
    expect(test).not.toContain('null');
  });

  it('calc-node: a test of a new function is RED once the missing symbol is stubbed', async () => {
    const r = await runScenario('calc-node', 'new-function');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.attempts).toBe(0);
    expect(r.lines.join('\n')).toMatch(/stubbed src\/calc\.js#median/);
    expect(
      r.journal.some(
        (e) =>
          e.type === 'test_report' && (e.payload as { purpose: string }).purpose === 'VERIFY_RED:stubbed',
      ),
    ).toBe(true);
  });

  it('calc-node: a test that only calls a new function is refused, because it passes once stubbed', async () => {
    const r = await runScenario('calc-node', 'new-function-unchecked');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history[0]?.reason).toMatch(/passes once src\/calc\.js#median is stubbed/);
  });

  it('pricing-vitest (TypeScript + vitest): happy path', async () => {
    const r = await runScenario('pricing-vitest', 'happy-path');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.attempts).toBe(0);
  });

  it('pricing-vitest: a test that fails on a missing import is the wrong reason', async () => {
    const r = await runScenario('pricing-vitest', 'missing-import');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history[0]).toMatchObject({ kind: 'red_failed' });
    expect(r.state.history[0]?.reason).toMatch(/wrong reason.*import/);
  });

  it('strings-jest (jest, fix as a unified diff): happy path', async () => {
    const r = await runScenario('strings-jest', 'happy-path');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.attempts).toBe(0);
  });

  it('strings-jest: a test with a syntax error is the wrong reason', async () => {
    const r = await runScenario('strings-jest', 'syntax-error');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(r.state.history[0]).toMatchObject({ kind: 'red_failed' });
    expect(r.state.history[0]?.reason).toMatch(/wrong reason.*syntax/);
  });
});
