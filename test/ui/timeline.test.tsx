import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { RunPanel } from '../../src/ui/run-panel.js';
import { newRunView, viewProgress, type RunView } from '../../src/ui/run-view.js';
import { formatElapsed } from '../../src/ui/spinner.js';
import type { Tone } from '../../src/ui/theme.js';
import { Timeline } from '../../src/ui/timeline.js';
import { stateIn } from './helpers.js';

afterEach(cleanup);

describe('timeline', () => {
  it('ticks passed phases, marks the current one and dots the rest', () => {
    const { lastFrame } = render(
      <Timeline phase="VERIFY_RED" visited={['ORIENT', 'AUTHOR_TEST', 'VERIFY_RED']} />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).toContain('✓ ORIENT');
    expect(frame).toContain('✓ AUTHOR_TEST');
    expect(frame).toContain('▸ VERIFY_RED');
    expect(frame).toContain('· LOCK');
    expect(frame).toContain('· DONE');
  });

  it('shows an ending off the main path in place of DONE', () => {
    const { lastFrame } = render(
      <Timeline phase="ESCALATED" visited={['ORIENT', 'AUTHOR_FIX', 'ESCALATED']} />,
    );
    expect(lastFrame()).toContain('✗ ESCALATED');
    expect(lastFrame()).not.toContain('DONE');
  });
});

describe('the progress sink feeding the run panel', () => {
  function harness(clock: { now: number }) {
    let view: RunView = newRunView('fix it');
    const lines: Array<[string, Tone]> = [];
    const sink = viewProgress({
      update: (fn) => {
        view = fn(view);
      },
      print: (text, tone) => lines.push([text, tone]),
      now: () => clock.now,
    });
    return { sink, lines, view: () => view };
  }

  it('turns runtime callbacks into the phase, visited phases, step, tokens and scrollback', () => {
    const clock = { now: 1_000_000 };
    const h = harness(clock);
    const s0 = stateIn('ORIENT', { step: 0 });
    h.sink.transitioned(s0, s0, { type: 'finished' });
    h.sink.effectStarted({ kind: 'ask_model', phase: 'ORIENT', feedback: [] }, s0);
    h.sink.note('model: Plan: test first.');
    h.sink.entry({
      v: 1,
      seq: 3,
      time: new Date().toISOString(),
      type: 'model_response',
      phase: 'ORIENT',
      payload: { usage: { inputTokens: 1200, outputTokens: 300, costUsd: 0.0123 } },
      payloadHash: '0'.repeat(64),
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    });
    const s1 = stateIn('AUTHOR_TEST', { step: 1 });
    h.sink.transitioned(s0, s1, { type: 'model_turn', turn: { calls: [] }, usage: {} });
    const s2 = stateIn('AUTHOR_FIX', {
      step: 5,
      attempts: 1,
      history: [{ n: 1, phase: 'REVIEW', kind: 'rejected', reason: 'too clever' }],
    });
    h.sink.transitioned(stateIn('REVIEW', { step: 4 }), s2, {
      type: 'review_decided',
      decision: 'reject',
      patchSha: 'x',
      by: 'ada',
      reason: 'too clever',
    });

    expect(h.view()).toMatchObject({ phase: 'AUTHOR_FIX', visited: ['ORIENT', 'AUTHOR_TEST', 'AUTHOR_FIX'] });
    expect(h.view().step).toEqual({ label: 'asking the model', startedAt: 1_000_000 });
    expect(h.view().live).toEqual({ turns: 1, inputTokens: 1200, outputTokens: 300, costUsd: 0.0123 });
    expect(h.lines).toEqual([
      ['▸ ORIENT', 'accent'],
      ['  model: Plan: test first.', 'model'],
      ['▸ AUTHOR_TEST', 'accent'],
      ['  ✗ attempt 1/3 failed (rejected): too clever', 'warn'],
      ['  review: reject by ada (too clever)', 'plain'],
      ['▸ AUTHOR_FIX', 'accent'],
    ]);

    clock.now += 65_000;
    const { lastFrame } = render(<RunPanel view={h.view()} now={() => clock.now} />);
    const frame = lastFrame() ?? '';
    expect(frame).toContain('▸ AUTHOR_FIX');
    expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] asking the model 1m 05s/);
    expect(frame).toContain('turns 1 · tokens 1,200 in / 300 out · $0.0123 · attempts 1/3');
  });

  it('formats elapsed time', () => {
    expect(formatElapsed(999)).toBe('0s');
    expect(formatElapsed(59_000)).toBe('59s');
    expect(formatElapsed(3_600_000)).toBe('60m 00s');
  });
});
