import chalk from 'chalk';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// ink draws only its first frame when CI is set (it reads the variable once, on import), and these tests watch
// every frame of a terminal session, as a person at a terminal would see them: CI must be gone before ink loads.
const ci = vi.hoisted(() => {
  const was = process.env.CI;
  delete process.env.CI;
  return was;
});
afterAll(() => {
  if (ci !== undefined) process.env.CI = ci;
});
import { ReplApp } from '../../src/ui/repl-app.js';
import { ReplSession } from '../../src/ui/repl-session.js';
import { ReviewScreen } from '../../src/ui/review-screen.js';
import { colorAllowed, ThemeProvider } from '../../src/ui/theme.js';
import { renderAt, renderTerminal, sampleRequest, stateIn, tick } from './helpers.js';

const ESC = '\u001B';
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

function widest(frame: string): number {
  return Math.max(...frame.split('\n').map((l) => [...l.replace(ANSI, '')].length));
}

const unmounts: Array<() => void> = [];
afterEach(() => unmounts.splice(0).forEach((u) => u()));

describe('a 60-column terminal', () => {
  it('the review screen wraps inside 60 columns and keeps the sha, the diff and every key', () => {
    const { app, lastFrame } = renderAt(
      60,
      <ReviewScreen request={sampleRequest()} who="ada" onDecision={() => undefined} />,
    );
    unmounts.push(() => app.unmount());
    const frame = lastFrame();
    expect(widest(frame)).toBeLessThanOrEqual(60);
    expect(frame).toContain('patch ab12cd34ef56');
    expect(frame).toContain('+  let total = 0; // start');
    for (const key of [
      'j/k ↑↓ line',
      'space/PgDn PgUp page',
      'g/G top/end',
      'n/p ←→ file',
      '[ ] hunk',
      '[a] approve',
      '[r] reject',
      '[e] $EDITOR/pager',
      '[d] details',
      '[q] quit (resumable)',
    ])
      expect(frame).toContain(key);
  });

  it('the REPL with a live run (timeline, spinner, usage) stays inside 60 columns', async () => {
    const session = new ReplSession({
      who: 'ada',
      configuredModel: () => Promise.resolve('scripted:x.json'),
      checkModel: () => Promise.resolve(),
      startRun: (_task, _model, hooks) => {
        const s = stateIn('VERIFY_GREEN', { step: 3 });
        hooks.progress.transitioned(stateIn('AUTHOR_FIX'), s, { type: 'finished' });
        hooks.progress.effectStarted(
          {
            kind: 'verify_green',
            lock: { hashes: {}, testIds: [], assertionCounts: {}, tree: 't' },
            newTestIds: [],
            fix: sampleRequest().patch,
          },
          s,
        );
        return new Promise(() => undefined);
      },
      listRuns: () => Promise.resolve([]),
    });
    const { app, lastFrame } = renderAt(60, <ReplApp session={session} who="ada" />);
    unmounts.push(() => app.unmount());
    session.submit('average of an empty list should be 0 and not NaN, please');
    await tick(50);
    const frame = lastFrame();
    expect(frame).toContain('▸ VERIFY_GREEN');
    expect(frame).toContain('running the new tests, then the full suite');
    expect(widest(frame)).toBeLessThanOrEqual(60);
  });
});

describe('a terminal no taller than the review', () => {
  // ink clears the screen and the scrollback (ESC[2J ESC[3J) whenever a frame is as tall as the terminal.
  const CLEAR = new RegExp(`${ESC}\\[[23]J`);

  for (const [columns, rows] of [
    [80, 24],
    [60, 30],
    [100, 12],
  ] as const)
    it(`at ${columns}×${rows}, scrolling the whole change and deciding never clears the terminal`, async () => {
      const { app, stdin, written } = renderTerminal(
        columns,
        rows,
        <ReviewScreen request={sampleRequest()} who="ada" onDecision={() => undefined} />,
      );
      unmounts.push(() => app.unmount());
      await tick();
      for (const key of [
        'j',
        'j',
        ' ',
        'n',
        'n',
        'd',
        'G',
        'k',
        '\u001B[5~',
        'g',
        'r',
        'no',
        '\u001B',
        'a',
      ]) {
        stdin.write(key);
        // A lone Escape followed at once by a letter reads as Alt+letter, as in a terminal: give each key its
        // own read, and let each render settle, however loaded the machine is.
        await tick(key === '\u001B' ? 100 : 30);
      }
      await tick();
      const out = written();
      expect(out).toContain('✓ approved patch ab12cd34ef56');
      expect(out).not.toMatch(CLEAR);
    });
});

describe('NO_COLOR', () => {
  it('is honoured: colour off means no colour codes, only emphasis', () => {
    expect(colorAllowed({ NO_COLOR: '1' })).toBe(false);
    expect(colorAllowed({ TERM: 'dumb' })).toBe(false);
    expect(colorAllowed({ TERM: 'xterm-256color' })).toBe(true);
    // Force chalk (ink's colouring) on, so the theme alone decides.
    const level = chalk.level;
    chalk.level = 1;
    try {
      const tree = (color: boolean) => (
        <ThemeProvider color={color}>
          <ReviewScreen request={sampleRequest()} who="ada" onDecision={() => undefined} />
        </ThemeProvider>
      );
      const colored = renderAt(80, tree(true));
      const plain = renderAt(80, tree(false));
      unmounts.push(
        () => colored.app.unmount(),
        () => plain.app.unmount(),
      );
      expect(colored.lastFrame()).toMatch(new RegExp(`${ESC}\\[3[1-6]m`));
      // No foreground colour (30-37, 90-97) and no dim (2); bold and inverse are emphasis, not colour.
      expect(plain.lastFrame()).not.toMatch(new RegExp(`${ESC}\\[(3[0-9]|9[0-7]|2)m`));
      expect(plain.lastFrame()).toContain('ab12cd34ef56');
    } finally {
      chalk.level = level;
    }
  });
});
