import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import { resolveModel } from '../../src/model/resolve.js';
import { policyApprover } from '../../src/policy/approval.js';
import { startFix } from '../../src/runtime/session.js';
import { collectingProgress, fixtureRepo } from '../helpers/fixture-repo.js';

/** The calc-node bug's honest fix, as a replace edit. */
export const REAL_FIX = {
  op: 'replace',
  path: 'src/calc.js',
  find: '  return sum(numbers) / numbers.length;',
  replace: '  if (numbers.length === 0) {\n    return 0;\n  }\n  return sum(numbers) / numbers.length;',
};

/**
 * A node:test file whose test first runs `attack` (hostile code; its errors are swallowed so the test still
 * fails by assertion), then asserts the calc-node behavior the task asks for. `ROOT` is the worktree.
 */
export function hostileTest(attack: string, assertion = 'assert.equal(average([]), 0);'): string {
  return [
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import * as fs from 'node:fs';",
    "import { average } from '../src/calc.js';",
    "const ROOT = new URL('..', import.meta.url).pathname;",
    '',
    "test('average of an empty list is 0', () => {",
    `  try {\n${attack}\n  } catch {}`,
    `  ${assertion}`,
    '});',
    '',
  ].join('\n');
}

export interface HostileRunInput {
  /** Builds the test file's content once the repo and run id are known (to aim at real host paths). */
  test: (where: { repo: string; runId: string }) => string;
  /** Each proposed fix's edits, one model turn each. */
  fixes: unknown[][];
  /** Runs in the user's checkout before the run (stage work, ...). */
  prepare?: (repo: string) => Promise<void>;
}

/** Plays a generated cassette on a fresh calc-node repo under the default sandbox; returns what an outsider sees. */
export async function hostileRun(input: HostileRunInput) {
  const repo = await fixtureRepo('calc-node');
  await input.prepare?.(repo);
  const runId = `hostile-${randomBytes(4).toString('hex')}`;
  const cassette = {
    version: 1,
    name: 'hostile',
    description: 'hostile test code',
    task: 'average() of an empty list should return 0, not NaN',
    turns: [
      { expect: 'ORIENT', text: 'Plan: a test, then the fix.', calls: [] },
      {
        expect: 'AUTHOR_TEST',
        calls: [
          {
            name: 'propose_test',
            input: {
              summary: 'average([]) should be 0',
              edits: [{ op: 'create', path: 'test/hostile.test.js', content: input.test({ repo, runId }) }],
            },
          },
        ],
      },
      ...input.fixes.map((edits) => ({
        expect: 'AUTHOR_FIX',
        calls: [{ name: 'propose_fix', input: { summary: 'Fix average() for an empty list.', edits } }],
      })),
    ],
  };
  const file = join(await mkdtemp(join(tmpdir(), 'agentctl-cassette-')), 'hostile.json');
  await writeFile(file, JSON.stringify(cassette));
  const lines: string[] = [];
  const result = await startFix(repo, cassette.task, {
    model: await resolveModel(`scripted:${file}`, repo),
    approver: policyApprover(400, 'test policy'),
    progress: collectingProgress(lines),
    runId,
  });
  const journal = await readJournal(journalPath(result.ctx.repoRoot, runId));
  return { repo, runId, lines, journal: journal.entries, ...result };
}

/** git in the user's checkout, as the user would run it. */
export async function userGit(repo: string, args: string[]): Promise<string> {
  return (await simpleGit(repo).raw(args)).trim();
}

/** Files and their contents in a commit, read from the user's repository. */
export async function committedFiles(repo: string, sha: string): Promise<Record<string, string>> {
  const names = (await userGit(repo, ['ls-tree', '-r', '--name-only', sha])).split('\n').filter(Boolean);
  const out: Record<string, string> = {};
  for (const name of names) out[name] = await simpleGit(repo).raw(['show', `${sha}:${name}`]);
  return out;
}
