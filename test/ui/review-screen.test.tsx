import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { ReviewDecision, ReviewRequest } from '../../src/runtime/context.js';
import type { EditorOutcome } from '../../src/ui/external-editor.js';
import { ReviewScreen } from '../../src/ui/review-screen.js';
import { sampleRequest, tick, waitForFrame } from './helpers.js';

afterEach(cleanup);

function mount(
  editor?: (diff: string, whole?: string) => Promise<EditorOutcome>,
  extra: Partial<ReviewRequest> = {},
  maxRows?: number,
) {
  const decisions: ReviewDecision[] = [];
  const opened: string[] = [];
  const openEditor =
    editor === undefined
      ? undefined
      : (diff: string, whole?: string) => {
          opened.push(diff);
          return editor(diff, whole);
        };
  const r = render(
    <ReviewScreen
      request={{ ...sampleRequest(), ...extra }}
      who="ada"
      onDecision={(d) => decisions.push(d)}
      openEditor={openEditor}
      maxRows={maxRows}
    />,
  );
  return { ...r, decisions, opened };
}

describe('review screen', () => {
  it('shows the short patch sha, the files of fix and test, the evidence, and the whole change', () => {
    const { lastFrame } = mount(undefined, {}, 80);
    const frame = lastFrame() ?? '';
    expect(frame).toContain('Review the fix for: average() of an empty list should return 0');
    expect(frame).toMatch(/patch ab12cd34ef56 · 4 changed lines/);
    expect(frame).toMatch(/src\/calc\.js \+4 -1 \(fix\)/);
    expect(frame).toMatch(/src\/notes\.txt \+2 -2 \(fix\)/);
    expect(frame).toMatch(/test\/average-empty\.test\.js \+1 -0 \(test\)/);
    expect(frame).toMatch(/✗ before \(RED\): test\/average-empty\.test\.js > average of an empty list is 0/);
    expect(frame).toContain('assertion: Expected values to be strictly equal:');
    expect(frame).toMatch(
      /✓ after \(GREEN\): test\/average-empty\.test\.js > average of an empty list is 0 passes/,
    );
    // Every line of the fix, the replacement line the issue found missing included, and the test's own text.
    expect(frame).toContain('+  let total = 0; // start');
    expect(frame).toContain('+    return 0;');
    expect(frame).toContain('+line twenty-five');
    expect(frame).toContain('━━ test/average-empty.test.js · test (locked after RED) · +1 -0');
    expect(frame).toContain("+test('average of an empty list is 0', ...)");
    expect(frame).toMatch(/lines 1–\d+ of \d+ \(end\)/);
    expect(frame).toMatch(/\[a\] approve/);
  });

  it('scrolls line by line, by page, to either end and by file, saying where it is; the hash stays in view', async () => {
    const { lastFrame, stdin } = mount(undefined, {}, 16);
    await tick();
    const rowsOf = (f: string) => f.split('\n').length;
    // The first row of the window: under the border, the title, the patch line and the position line.
    const top = () => (lastFrame() ?? '').split('\n')[4];
    let frame = lastFrame() ?? '';
    expect(rowsOf(frame)).toBeLessThanOrEqual(16);
    const total = Number(/lines 1–(\d+) of (\d+)/.exec(frame)?.[2]);
    const height = Number(/lines 1–(\d+) of/.exec(frame)?.[1]);
    expect(total).toBeGreaterThan(height);
    expect(frame).toMatch(new RegExp(`lines 1–${height} of ${total} · overview: 3 files, evidence`));
    expect(frame).not.toContain('+line twenty-five');

    stdin.write('j');
    await waitForFrame(lastFrame, new RegExp(`lines 2–${height + 1} of`));
    stdin.write('\u001B[B'); // down arrow
    await waitForFrame(lastFrame, new RegExp(`lines 3–${height + 2} of`));
    stdin.write('k');
    await waitForFrame(lastFrame, new RegExp(`lines 2–${height + 1} of`));
    stdin.write('\u001B[A'); // up arrow
    await waitForFrame(lastFrame, new RegExp(`lines 1–${height} of`));
    stdin.write('k'); // already at the top
    await tick();
    expect(lastFrame()).toMatch(new RegExp(`lines 1–${height} of`));

    stdin.write(' ');
    await waitForFrame(lastFrame, new RegExp(`lines ${height}–${2 * height - 1} of`));
    stdin.write('\u001B[5~'); // PgUp
    await waitForFrame(lastFrame, new RegExp(`lines 1–${height} of`));
    stdin.write('\u001B[6~'); // PgDn
    await waitForFrame(lastFrame, new RegExp(`lines ${height}–${2 * height - 1} of`));

    stdin.write('G');
    frame = await waitForFrame(
      lastFrame,
      new RegExp(`lines ${total - height + 1}–${total} of ${total} \\(end\\)`),
    );
    expect(frame).toContain("+test('average of an empty list is 0', ...)");
    expect(frame).toContain('patch ab12cd34ef56');
    expect(rowsOf(frame)).toBeLessThanOrEqual(16);
    stdin.write('g');
    await waitForFrame(lastFrame, new RegExp(`lines 1–${height} of`));

    stdin.write('n');
    await vi.waitFor(() => expect(top()).toContain('━━ src/calc.js · fix · +4 -1'));
    stdin.write(']'); // hunk by hunk
    await vi.waitFor(() => expect(top()).toBe('@@ -2,3 +2,3 @@'));
    stdin.write(']');
    await vi.waitFor(() => expect(top()).toBe('@@ -11,2 +11,5 @@'));
    stdin.write('[');
    await vi.waitFor(() => expect(top()).toBe('@@ -2,3 +2,3 @@'));
    stdin.write('n');
    await vi.waitFor(() => expect(top()).toContain('━━ src/notes.txt · fix'));
    stdin.write('\u001B[D'); // left arrow: the previous file
    await waitForFrame(lastFrame, /src\/calc\.js \(fix\) · file 1\/3$/m);
    stdin.write('p');
    await waitForFrame(lastFrame, new RegExp(`lines 1–${height} of ${total} · overview: 3 files, evidence`));
    expect(lastFrame()).toContain('patch ab12cd34ef56');
  });

  it('Ctrl-A, Ctrl-D and other control keys never decide; they only scroll', async () => {
    const { lastFrame, stdin, decisions } = mount(undefined, {}, 16);
    await tick();
    stdin.write('\u0001'); // Ctrl-A
    stdin.write('\u0004'); // Ctrl-D: half a page down
    await waitForFrame(lastFrame, /lines [2-9]\d*–/);
    await tick();
    expect(decisions).toEqual([]);
    expect(lastFrame()).toMatch(/\[a\] approve/);
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

  it('e without an editor shows the whole change, test included, in the pager', async () => {
    const paged: string[] = [];
    const { lastFrame, stdin, decisions } = mount((_diff, whole) => {
      paged.push(whole ?? '');
      return Promise.resolve({ kind: 'paged' });
    });
    await tick();
    stdin.write('e');
    await waitForFrame(lastFrame, /\[a\] approve/);
    await vi.waitFor(() => expect(paged).toHaveLength(1));
    const request = sampleRequest();
    expect(paged[0]).toContain(`fix patch ${request.patch.sha}`);
    expect(paged[0]).toContain(request.patch.diff.trimEnd());
    if (!('testPatch' in request)) throw new Error('sampleRequest is a fix with a test patch');
    expect(paged[0]).toContain(request.testPatch.diff.trimEnd());
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
