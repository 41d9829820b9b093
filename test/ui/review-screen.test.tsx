import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { ReviewDecision, ReviewRequest } from '../../src/runtime/context.js';
import type { EditorOutcome } from '../../src/ui/external-editor.js';
import { ReviewScreen } from '../../src/ui/review-screen.js';
import { sampleRequest, tick, waitForFrame } from './helpers.js';

afterEach(cleanup);

function mount(editor?: (diff: string) => Promise<EditorOutcome>, extra: Partial<ReviewRequest> = {}) {
  const decisions: ReviewDecision[] = [];
  const opened: string[] = [];
  const openEditor =
    editor === undefined
      ? undefined
      : (diff: string) => {
          opened.push(diff);
          return editor(diff);
        };
  const r = render(
    <ReviewScreen
      request={{ ...sampleRequest(), ...extra }}
      who="ada"
      onDecision={(d) => decisions.push(d)}
      openEditor={openEditor}
    />,
  );
  return { ...r, decisions, opened };
}

describe('review screen', () => {
  it('shows the short patch sha, the file list, the first hunk and the RED/GREEN evidence', () => {
    const { lastFrame } = mount();
    const frame = lastFrame() ?? '';
    expect(frame).toContain('Review the fix for: average() of an empty list should return 0');
    expect(frame).toMatch(/patch ab12cd34ef56 · 4 changed lines/);
    expect(frame).toMatch(/▸ src\/calc\.js \+4 -1/);
    expect(frame).toMatch(/ {2}src\/notes\.txt \+2 -2/);
    expect(frame).toContain('hunk 1/4 · src/calc.js');
    expect(frame).toContain('+  let total = 0; // start');
    expect(frame).toMatch(/✗ before \(RED\): test\/average-empty\.test\.js > average of an empty list is 0/);
    expect(frame).toContain('assertion: Expected values to be strictly equal:');
    expect(frame).toMatch(
      /✓ after \(GREEN\): test\/average-empty\.test\.js > average of an empty list is 0 passes/,
    );
    expect(frame).toMatch(/\[a\] approve/);
  });

  it('steps through hunks across files with n/p and the arrow keys, and stops at the ends', async () => {
    const { lastFrame, stdin } = mount();
    await tick();
    stdin.write('n');
    let frame = await waitForFrame(lastFrame, /hunk 2\/4 · src\/calc\.js/);
    expect(frame).toContain('+    return 0;');
    stdin.write('\u001B[C'); // right arrow
    frame = await waitForFrame(lastFrame, /hunk 3\/4 · src\/notes\.txt/);
    expect(frame).toMatch(/▸ src\/notes\.txt/);
    expect(frame).toContain('+line two');
    stdin.write('n');
    await waitForFrame(lastFrame, /hunk 4\/4/);
    stdin.write('n');
    await tick();
    expect(lastFrame()).toMatch(/hunk 4\/4 · src\/notes\.txt/);
    expect(lastFrame()).toContain('+line twenty-five');
    stdin.write('p');
    await waitForFrame(lastFrame, /hunk 3\/4/);
    stdin.write('\u001B[D'); // left arrow
    await waitForFrame(lastFrame, /hunk 2\/4 · src\/calc\.js/);
  });

  it('a approves, bound to the patch shown', async () => {
    const { lastFrame, stdin, decisions } = mount();
    await tick();
    stdin.write('a');
    await waitForFrame(lastFrame, /✓ approved patch ab12cd34ef56/);
    await vi.waitFor(() => expect(decisions).toEqual([{ decision: 'approve', by: 'ada' }]));
    stdin.write('r');
    await tick();
    expect(decisions).toHaveLength(1);
  });

  it('r asks for a reason, refuses an empty one, and rejects with the typed reason', async () => {
    const { lastFrame, stdin, decisions } = mount();
    await tick();
    stdin.write('r');
    await waitForFrame(lastFrame, /Why reject it\?/);
    stdin.write('\r');
    await waitForFrame(lastFrame, /type a reason, or Esc to go back/);
    // Letters that are keys elsewhere are text here.
    stdin.write('a q');
    stdin.write('x');
    stdin.write('\u007F'); // backspace
    stdin.write('uit is wrong');
    await waitForFrame(lastFrame, /reason › a quit is wrong/);
    stdin.write('\r');
    await waitForFrame(lastFrame, /✗ rejected patch ab12cd34ef56: a quit is wrong/);
    await vi.waitFor(() =>
      expect(decisions).toEqual([{ decision: 'reject', by: 'ada', reason: 'a quit is wrong' }]),
    );
  });

  it('Esc leaves the reason field without deciding', async () => {
    const { lastFrame, stdin, decisions } = mount();
    await tick();
    stdin.write('r');
    await waitForFrame(lastFrame, /reason ›/);
    stdin.write('\u001B');
    await waitForFrame(lastFrame, /\[a\] approve/);
    expect(decisions).toEqual([]);
  });

  it('e opens the patch in the editor; a changed patch is an edit decision carrying the new diff', async () => {
    const edited = sampleRequest().patch.diff.replace('// start', '// begin');
    const { lastFrame, stdin, decisions, opened } = mount(() =>
      Promise.resolve({ kind: 'changed', text: edited }),
    );
    await tick();
    stdin.write('e');
    await waitForFrame(lastFrame, /✎ edited patch .*checked again/s);
    expect(opened).toEqual([sampleRequest().patch.diff]);
    await vi.waitFor(() => expect(decisions).toEqual([{ decision: 'edit', by: 'ada', diff: edited }]));
  });

  it('e with an unchanged patch decides nothing', async () => {
    const { lastFrame, stdin, decisions } = mount(() => Promise.resolve({ kind: 'unchanged' }));
    await tick();
    stdin.write('e');
    await waitForFrame(lastFrame, /the patch is unchanged; approve, reject or edit it/);
    expect(decisions).toEqual([]);
  });

  it('a patch shown again says why (the reviewer’s edit did not make it)', async () => {
    const { lastFrame } = mount(undefined, { notice: 'your edit is not GREEN: 1 test fails' });
    await waitForFrame(lastFrame, /your edit is not GREEN: 1 test fails/);
  });

  it('d shows full messages, report hashes and the full patch sha', async () => {
    const { lastFrame, stdin } = mount();
    await tick();
    expect(lastFrame()).not.toContain('r'.repeat(64));
    stdin.write('d');
    const frame = await waitForFrame(lastFrame, /Details/);
    expect(frame).toContain(`RED report: ${'r'.repeat(64)}`);
    expect(frame).toContain(`GREEN report: ${'g'.repeat(64)}`);
    expect(frame).toContain(`fix patch: ${'ab12cd34ef56'.padEnd(64, '7')}`);
    expect(frame).toContain('NaN !== 0');
  });

  it('q and Ctrl-C quit, leaving the run checkpointed', async () => {
    const q = mount();
    await tick();
    q.stdin.write('q');
    await waitForFrame(q.lastFrame, /checkpointed and resumable/);
    await vi.waitFor(() => expect(q.decisions).toEqual([{ decision: 'quit', by: 'ada' }]));
    const c = mount();
    await tick();
    c.stdin.write('\u0003');
    await waitForFrame(c.lastFrame, /checkpointed and resumable/);
    await vi.waitFor(() => expect(c.decisions).toEqual([{ decision: 'quit', by: 'ada' }]));
  });
});
