import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_FIX, committedFiles, hostileRun, hostileTest, userGit } from './hostile-run.js';

/**
 * A RED test replaces the worktree's `.git` with a fake git dir whose config defines a clean/smudge filter, an
 * fsmonitor and a hooks path that each touch a canary on the host, plus a `.gitattributes` routing every file
 * through the filter. agentctl's git never looks at the worktree, so none of them may ever run, and the user's
 * checkout and index stay exactly as they were.
 */
describe('a test run that rewrites the worktree .git', () => {
  it('runs no filter, hook or fsmonitor on the host and leaves the checkout and index alone', async () => {
    // The sandbox has a private /tmp: only agentctl's own git, on the host, could create this file.
    const canary = join(await mkdtemp(join(tmpdir(), 'agentctl-canary-')), 'hit');
    const touch = `touch ${canary}`;
    const attack = `
    const git = ROOT + '.git';
    fs.rmSync(git, { recursive: true, force: true });
    for (const d of ['objects', 'refs/heads', 'hooks']) fs.mkdirSync(git + '/' + d, { recursive: true });
    fs.writeFileSync(git + '/HEAD', 'ref: refs/heads/main\\n');
    fs.writeFileSync(git + '/config', ${JSON.stringify(
      `[core]\n\trepositoryformatversion = 0\n\tbare = false\n\thooksPath = hooks\n\tfsmonitor = ${touch}\n` +
        `[filter "evil"]\n\tclean = ${touch}; cat\n\tsmudge = ${touch}; cat\n\trequired = true\n`,
    )});
    for (const h of ['post-checkout', 'pre-commit', 'post-index-change', 'reference-transaction'])
      fs.writeFileSync(git + '/hooks/' + h, ${JSON.stringify(`#!/bin/sh\n${touch}\n`)}, { mode: 0o755 });
    fs.writeFileSync(ROOT + '.gitattributes', '* filter=evil\\n');`;
    const r = await hostileRun({
      test: () => hostileTest(attack),
      fixes: [[REAL_FIX]],
      // The user has staged work in progress: agentctl must not unstage or change it.
      prepare: async (repo) => {
        await writeFile(join(repo, 'notes.txt'), 'work in progress\n');
        await userGit(repo, ['add', 'notes.txt']);
      },
    });
    const statusBefore = 'A  notes.txt';
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    expect(existsSync(canary)).toBe(false);
    expect(await userGit(r.repo, ['status', '--porcelain', '--', '.', ':!node_modules'])).toBe(statusBefore);
    expect(await userGit(r.repo, ['diff', '--cached', '--name-only'])).toBe('notes.txt');
    expect(await userGit(r.repo, ['rev-parse', '--abbrev-ref', 'HEAD'])).toMatch(/^(main|master)$/);
    // The planted git dir was seen, reported and removed; none of it reached the commit.
    const restored = r.journal.filter((e) => e.type === 'worktree_restored');
    expect(JSON.stringify(restored.map((e) => e.payload))).toContain('.gitattributes');
    expect(r.lines.some((l) => /the test run changed .*\.git\/.*; restored/.test(l))).toBe(true);
    if (r.state.phase !== 'DONE') return;
    const files = await committedFiles(r.repo, r.state.commit.sha);
    const base = (await userGit(r.repo, ['ls-tree', '-r', '--name-only', 'HEAD'])).split('\n');
    expect(Object.keys(files).sort()).toEqual([...base, 'test/hostile.test.js'].sort());
  });
});
