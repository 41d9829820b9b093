import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReviewDecision } from '../../src/runtime/context.js';
import { ReplApp } from '../../src/ui/repl-app.js';
import { memoryHistory } from '../../src/ui/repl-history.js';
import { ReplSession, type ReplDeps, type RunHooks, type RunOutcome } from '../../src/ui/repl-session.js';
import { ThemeProvider } from '../../src/ui/theme.js';
import { renderTerminal, sampleRequest, stateIn, tick, waitForFrame } from './helpers.js';

afterEach(cleanup);

/** Honest stand-ins for the runtime: they record calls and let the test play the run's callbacks. */
function fakeRuntime(overrides: Partial<ReplDeps> = {}) {
  const started: Array<{ task: string; model: string }> = [];
  let hooks: RunHooks | null = null;
  let finish: (o: RunOutcome) => void = () => undefined;
  const deps: ReplDeps = {
    who: 'ada',
    configuredModel: () => Promise.resolve(undefined),
    checkModel: (spec) =>
      spec.includes('missing')
        ? Promise.reject(Object.assign(new Error('cannot read missing.json'), { hint: 'check the path' }))
        : Promise.resolve(),
    startRun: (task, model, h) => {
      started.push({ task, model });
      hooks = h;
      return new Promise((resolve) => {
        finish = resolve;
      });
    },
    listRuns: () =>
      Promise.resolve([{ runId: '20260101-000000-abcdef', mtime: new Date('2026-01-01T00:00:00Z') }]),
    ...overrides,
  };
  const session = new ReplSession(deps);
  const app = render(
    <ThemeProvider color={false}>
      <ReplApp session={session} who="ada" />
    </ThemeProvider>,
  );
  const type = async (line: string) => {
    app.stdin.write(line);
    await tick(5);
    app.stdin.write('\r');
    await tick(5);
  };
  return { ...app, session, started, type, hooks: () => hooks!, finish: (o: RunOutcome) => finish(o) };
}

describe('REPL', () => {
  it('runs a typed task with the chosen model: timeline, model text, tokens, review, outcome', async () => {
    const r = fakeRuntime();
    await tick();
    await r.type('average of [] is 0');
    await waitForFrame(r.lastFrame, /no model: use \/model scripted:<cassette\.json>/);
    await r.type('/model scripted:missing.json');
    await waitForFrame(r.lastFrame, /agentctl: cannot read missing\.json\n\s+check the path/);
    await r.type('/model scripted:/tmp/review.json');
    await waitForFrame(r.lastFrame, /model: scripted:\/tmp\/review\.json/);
    await r.type('average of [] is 0');
    expect(r.started).toEqual([{ task: 'average of [] is 0', model: 'scripted:/tmp/review.json' }]);

    const { progress, approver } = r.hooks();
    const s0 = stateIn('ORIENT', { step: 0 });
    progress.transitioned(s0, s0, { type: 'finished' });
    progress.effectStarted({ kind: 'ask_model', phase: 'ORIENT', feedback: [] }, s0);
    progress.note('model: Plan: a test first.');
    let frame = await waitForFrame(r.lastFrame, /asking the model \d+s/);
    expect(frame).toContain('▸ ORIENT');
    expect(frame).toContain('  model: Plan: a test first.');
    const fix = sampleRequest().patch;
    const s1 = stateIn('VERIFY_GREEN', {
      step: 6,
      usage: { turns: 3, inputTokens: 1500, outputTokens: 200, costUsd: 0.5, wallMs: 4000 },
    });
    progress.transitioned(stateIn('AUTHOR_FIX', { step: 5 }), s1, {
      type: 'patch_applied',
      patchKind: 'fix',
      patch: fix,
    });
    frame = await waitForFrame(r.lastFrame, /▸ VERIFY_GREEN/);
    expect(frame).toContain('✓ ORIENT');

    await r.type('/budget');
    frame = await waitForFrame(r.lastFrame, /cost {11}\$0\.5000\/\$5/);
    expect(frame).toMatch(/turns {10}3\/40/);
    expect(frame).toMatch(/input tokens {3}1,500\/2,000,000/);
    await r.type('/diff');
    frame = await waitForFrame(r.lastFrame, /patch ab12cd34ef56 · src\/calc\.js, src\/notes\.txt/);
    expect(frame).toContain('+line twenty-five');

    const decision: Promise<ReviewDecision> = approver.review(sampleRequest());
    await waitForFrame(r.lastFrame, /Review the fix for/);
    await tick();
    r.stdin.write('a');
    await expect(decision).resolves.toEqual({ decision: 'approve', by: 'ada' });
    r.finish({
      runId: 'r1',
      runDir: '.agentctl/runs/r1',
      paused: null,
      state: stateIn('DONE', { commit: { sha: 'f'.repeat(40), branch: 'agentctl/r1' } }),
    });
    frame = await waitForFrame(r.lastFrame, /✓ committed ffffffffffff on branch agentctl\/r1/);
    expect(frame).toMatch(/agentctl › a task, or \/help/);
  });

  it('walks the history of typed lines with the up and down arrows', async () => {
    const r = fakeRuntime();
    await tick();
    await r.type('/help');
    await waitForFrame(r.lastFrame, /\/budget\s+turns, tokens and cost/);
    await r.type('/status');
    await waitForFrame(r.lastFrame, /no run yet in this session/);
    r.stdin.write('half typed');
    await tick();
    r.stdin.write('\u001B[A');
    await waitForFrame(r.lastFrame, /agentctl › \/status▏/);
    r.stdin.write('\u001B[A');
    await waitForFrame(r.lastFrame, /agentctl › \/help▏/);
    r.stdin.write('\u001B[B');
    await waitForFrame(r.lastFrame, /agentctl › \/status▏/);
    r.stdin.write('\u001B[B');
    await waitForFrame(r.lastFrame, /agentctl › half typed▏/);
  });

  it('Ctrl-C once asks the run to stop at the next boundary (a pending review quits); twice leaves', async () => {
    const r = fakeRuntime();
    await tick();
    await r.type('/model scripted:/tmp/x.json');
    await r.type('fix it');
    const decision = r.hooks().approver.review(sampleRequest());
    await waitForFrame(r.lastFrame, /Review the fix for/);
    expect(r.hooks().stopRequested()).toBe(false);
    r.stdin.write('\u0003');
    await waitForFrame(r.lastFrame, /stopping at the next safe boundary \(Ctrl-C again to leave\)/);
    expect(r.hooks().stopRequested()).toBe(true);
    await expect(decision).resolves.toMatchObject({ decision: 'quit', by: 'ada' });
    r.stdin.write('\u0003');
    await tick();
    expect(r.session.getSnapshot().exit).toBe(130);
  });

  it('idle Ctrl-C warns first; /runs, /resume and unknown commands answer plainly', async () => {
    const r = fakeRuntime();
    await tick();
    await r.type('/runs');
    await waitForFrame(r.lastFrame, /20260101-000000-abcdef {2}2026-01-01T00:00:00\.000Z/);
    await r.type('/resume 20260101-000000-abcdef');
    await waitForFrame(r.lastFrame, /resume is not available yet/);
    await r.type('/frobnicate');
    await waitForFrame(r.lastFrame, /unknown command \/frobnicate; \/help lists them/);
    r.stdin.write('\u0003');
    await waitForFrame(r.lastFrame, /press Ctrl-C again to leave/);
    r.stdin.write('\u0003');
    await tick();
    expect(r.session.getSnapshot().exit).toBe(0);
  });

  it('/resume continues a run through the same review and progress hooks when the runtime can', async () => {
    const resumed: Array<{ runId: string; model: string | undefined }> = [];
    const r = fakeRuntime({
      resumeRun: (runId, model, hooks) => {
        resumed.push({ runId, model });
        hooks.progress.note(`resuming run ${runId} in REVIEW`);
        return Promise.resolve({ runId, runDir: 'd', paused: 'interrupted', state: stateIn('AUTHOR_FIX') });
      },
    });
    await tick();
    await r.type('/resume r9');
    await waitForFrame(r.lastFrame, /stopped at a checkpoint \(run r9\); continue with \/resume r9/);
    expect(r.lastFrame()).toContain('resuming run r9 in REVIEW');
    expect(resumed).toEqual([{ runId: 'r9', model: undefined }]);
  });

  it('a bracketed multi-line paste becomes one task, started once with every line', async () => {
    const r = fakeRuntime({ configuredModel: () => Promise.resolve('scripted:x.json') });
    await tick();
    r.stdin.write('\u001B[200~average() of [] should be 0\r\rnot NaN, see issue 12\u001B[201~');
    await waitForFrame(r.lastFrame, /not NaN, see issue 12▏/);
    expect(r.started).toEqual([]);
    r.stdin.write('\r');
    await waitForFrame(r.lastFrame, /› average\(\) of \[\] should be 0/);
    expect(r.started).toEqual([
      { task: 'average() of [] should be 0\n\nnot NaN, see issue 12', model: 'scripted:x.json' },
    ]);
  });

  it('Ctrl-D on an empty prompt leaves, but not while a run is in progress', async () => {
    const r = fakeRuntime({ configuredModel: () => Promise.resolve('scripted:x.json') });
    await tick();
    await r.type('fix it');
    r.stdin.write('\u0004');
    await waitForFrame(r.lastFrame, /a run is in progress: Ctrl-C stops it at a checkpoint/);
    expect(r.session.getSnapshot().exit).toBeNull();
    r.finish({ runId: 'r1', runDir: 'd', paused: null, state: stateIn('DONE') });
    await r.session.settled();
    r.stdin.write('\u0004');
    await tick();
    expect(r.session.getSnapshot().exit).toBe(0);
  });

  it('history comes from the store and each submitted line goes back to it', async () => {
    const history = memoryHistory(['an earlier task']);
    const r = fakeRuntime({ history });
    await tick();
    r.stdin.write('\u001B[A');
    await waitForFrame(r.lastFrame, /agentctl › an earlier task▏/);
    r.stdin.write('\u0015'); // Ctrl-U
    await r.type('/status');
    expect(history.lines).toEqual(['an earlier task', '/status']);
  });

  it('turns bracketed paste on in a terminal while the REPL runs, and off when it ends', async () => {
    const session = new ReplSession({
      who: 'ada',
      configuredModel: () => Promise.resolve(undefined),
      checkModel: () => Promise.resolve(),
      startRun: () => new Promise(() => undefined),
      listRuns: () => Promise.resolve([]),
    });
    const { app, written } = renderTerminal(80, 24, <ReplApp session={session} who="ada" />);
    await tick();
    expect(written()).toContain('\u001B[?2004h');
    expect(written()).not.toContain('\u001B[?2004l');
    app.unmount();
    expect(written()).toContain('\u001B[?2004l');
  });
});
