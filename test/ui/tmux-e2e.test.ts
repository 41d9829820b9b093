import { spawnSync } from 'node:child_process';
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

/** The whole pane, scrollback included, wrapped lines joined. */
function screen(): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-1000', '-t', SESSION);
}

/** Polls the pane until `pattern` shows up; the error carries the screen as the user saw it. */
async function waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
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
        `env NO_COLOR=1 node ${BIN}; echo "agentctl exited with $?"; sleep 600`,
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
});
