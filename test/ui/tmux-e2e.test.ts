import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFile } from '../../src/paths.js';
import { cassettePath, fixtureRepo, gitOut } from '../helpers/fixture-repo.js';

const BIN = packageFile('bin', 'agentctl.js');
// A private tmux server, so the test never touches a user's sessions and can remove everything it made.
const SOCKET = `agentctl-e2e-${process.pid}`;
const SESSION = 'repl';
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/**
 * The whole pane, scrollback included, wrapped lines joined: tmux's own wraps (-J) and ink's, which break a line
 * longer than the pane (a path from a deep checkout) into full-width lines.
 */
function screen(session = SESSION): string {
  const width = Number(tmux('display-message', '-p', '-t', session, '#{pane_width}').trim());
  const lines = tmux('capture-pane', '-p', '-J', '-S', '-1000', '-t', session).split('\n');
  return lines
    .reduce((text, line, i) => text + (i > 0 && lines[i - 1]!.length === width ? '' : '\n') + line, '')
    .slice(1);
}

/** Polls the pane until `pattern` shows up; the error carries the screen as the user saw it. */
async function waitFor(pattern: RegExp, timeoutMs = 30_000, session = SESSION): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(session);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; the screen:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function typeLine(text: string): void {
  tmux('send-keys', '-t', SESSION, '-l', text);
  tmux('send-keys', '-t', SESSION, 'Enter');
}

afterAll(() => {
  if (HAS_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe('the REPL in a real terminal', () => {
  it.skipIf(!HAS_TMUX)(
    `types a task, rejects the first GREEN patch with a reason, approves the second, commits${HAS_TMUX ? '' : ' (skipped: tmux is not installed; CI installs it)'}`,
    async () => {
      const repo = await fixtureRepo('calc-node');
      const cassette = cassettePath('calc-node', 'review-reject');
      const cache = await mkdtemp(join(tmpdir(), 'agentctl-e2e-cache-'));
      tmux(
        'new-session',
        '-d',
        '-s',
        SESSION,
        '-x',
        '100',
        '-y',
        '40',
        '-c',
        repo,
        `env NO_COLOR=1 AGENTCTL_CACHE_DIR=${cache} node ${BIN}; echo "agentctl exited with $?"; sleep 600`,
      );
      await waitFor(/agentctl › /);

      typeLine(`/model scripted:${cassette}`);
      await waitFor(/model: scripted:.*review-reject\.json/);
      typeLine('average() of an empty list should return 0, not NaN');

      let text = await waitFor(/Review the fix for: average\(\) of an empty list/, 60_000);
      expect(text).toMatch(/✗ before \(RED\): test\/average-empty\.test\.js > average of an empty list is 0/);
      const first = /patch ([0-9a-f]{12}) · \d+ changed lines/.exec(text)?.[1];
      expect(first).toBeDefined();
      tmux('send-keys', '-t', SESSION, 'r');
      await waitFor(/reason › /);
      typeLine('prefer one expression over an early return');

      text = await waitFor(
        /rejected by user: prefer one expression over an early return[\s\S]*Review the fix for/,
        60_000,
      );
      expect(text).toMatch(/attempt 1\/3 failed \(rejected\)/);
      const second = [...text.matchAll(/patch ([0-9a-f]{12}) · \d+ changed lines/g)].at(-1)?.[1];
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      expect(text).toContain('+  return numbers.length === 0 ? 0 : sum(numbers) / numbers.length;');
      tmux('send-keys', '-t', SESSION, 'a');

      text = await waitFor(/✓ committed ([0-9a-f]{12}) on branch (agentctl\/[\w-]+)/, 60_000);
      const [, sha, branch] = /✓ committed ([0-9a-f]{12}) on branch (agentctl\/[\w-]+)/.exec(text)!;
      typeLine('/quit');
      await waitFor(/agentctl exited with 0/);

      expect(screen()).toContain('review: approve by');
      expect(await gitOut(repo, ['rev-parse', branch!])).toMatch(new RegExp(`^${sha}`));
      const calc = await gitOut(repo, ['show', `${branch}:src/calc.js`]);
      expect(calc).toContain('return numbers.length === 0 ? 0 : sum(numbers) / numbers.length;');
      expect(calc).not.toContain('if (numbers.length === 0)');
      const files = await gitOut(repo, ['show', '--name-only', '--format=', branch!]);
      expect(files.split('\n').sort()).toEqual(['src/calc.js', 'test/average-empty.test.js']);
      // The user's checkout is untouched.
      expect(await gitOut(repo, ['status', '--porcelain'])).toBe('');
    },
    120_000,
  );

  it.skipIf(!HAS_TMUX)(
    'at 80×24: scrolls the review to the last line of the change, approves, commits, and the scrollback survives',
    async () => {
      const session = 'review-80x24';
      const repo = await fixtureRepo('calc-node');
      const cassette = cassettePath('calc-node', 'happy-path');
      const scratch = await mkdtemp(join(tmpdir(), 'agentctl-e2e-'));
      // `script` keeps every byte agentctl writes to the terminal, to look for clear-scrollback afterwards.
      const typescript = join(scratch, 'terminal.log');
      const marker = `MARKER-printed-before-agentctl-${process.pid}`;
      const command = `node ${BIN} fix 'average() of an empty list should return 0, not NaN' --model scripted:${cassette}`;
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        '80',
        '-y',
        '24',
        '-c',
        repo,
        `echo ${marker}; env NO_COLOR=1 AGENTCTL_CACHE_DIR=${join(scratch, 'cache')} script -qfec "${command}" ${typescript}; echo "agentctl exited with $?"; sleep 600`,
      );
      // tmux keeps scrollback by default (history-limit 2000); the marker must still be there at the end.
      let text = await waitFor(/Review the fix for: average\(\) of an empty list/, 90_000, session);
      expect(text).toMatch(/patch [0-9a-f]{12} · \d+ changed lines/);
      const [, hash] = /patch ([0-9a-f]{12}) · \d+ changed lines/.exec(text)!;

      tmux('send-keys', '-t', session, 'G');
      text = await waitFor(/lines \d+–(\d+) of \1 \(end\)/, 10_000, session);
      const visible = tmux('capture-pane', '-p', '-t', session);
      // The hash the approval binds to is still on screen at the end of the change.
      expect(visible).toContain(`patch ${hash}`);
      // The position line names the test file, the last of the change.
      expect(visible.split('\n')[3]).toMatch(/\(end\) · .*test\/average-empty\.test\.js \(test\)/);
      expect(visible.split('\n').filter((l) => l !== '').length).toBeLessThanOrEqual(24);
      tmux('send-keys', '-t', session, 'a');

      text = await waitFor(/agentctl exited with (\d+)/, 90_000, session);
      expect(text).toMatch(/agentctl exited with 0/);
      const [, sha, branch] = /✓ committed ([0-9a-f]{12}) on branch (agentctl\/[\w-]+)/.exec(text)!;
      expect(await gitOut(repo, ['rev-parse', branch!])).toMatch(new RegExp(`^${sha}`));
      const files = await gitOut(repo, ['show', '--name-only', '--format=', branch!]);
      expect(files.split('\n').sort()).toEqual(['src/calc.js', 'test/average-empty.test.js']);
      // The last line of the change (the end of the test file) was on screen when the reviewer approved.
      const testDiff = await gitOut(repo, ['show', '--format=', branch!, '--', 'test/average-empty.test.js']);
      const lastLine = testDiff
        .split('\n')
        .filter((l) => /^[+ -]/.test(l) && !l.startsWith('+++'))
        .at(-1)!;
      expect(visible).toContain(lastLine.slice(0, 70));

      // What was in the terminal before agentctl started is still in its scrollback.
      expect(tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session)).toContain(marker);
      const written = await readFile(typescript, 'utf8');
      expect(written).toContain('Review the fix for');
      expect(written).not.toContain('\u001B[3J');
      expect(written).not.toContain('\u001B[2J');
    },
    180_000,
  );
});
