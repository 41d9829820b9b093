/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { entryHashOf, GENESIS_HASH, payloadHashOf, type JournalEntry } from '../../src/journal/entry.js';
import { canonicalJson } from '../../src/journal/canonical.js';
import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import { resolveModel } from '../../src/model/resolve.js';
import { policyApprover } from '../../src/policy/approval.js';
import { startFix, worktreeDir } from '../../src/runtime/session.js';
import { agentctl } from '../helpers/cli.js';
import { collectingProgress, fixtureRepo, runScenario } from '../helpers/fixture-repo.js';

/**
 * The journal is the run's evidence. Attacks on it come from outside the run (someone editing the file after
 * the fact); every check is made through the built CLI, as a user or an auditor would run it.
 */

type Done = Awaited<ReturnType<typeof runScenario>>;
let run: Done;
let original: Buffer;

/** A fresh copy of the finished run's repo state is not needed: each test restores the journal it changed. */
async function withJournal(bytes: Buffer | string, body: () => Promise<void>): Promise<void> {
  const file = journalPath(run.ctx.repoRoot, run.ctx.runId);
  await writeFile(file, bytes);
  try {
    await body();
  } finally {
    await writeFile(file, original);
  }
}

function lines(): string[] {
  return original.toString('utf8').split('\n').slice(0, -1);
}

/** Rewrites stored lines and recomputes every hash, as an attacker who knows the format would. */
function rechain(rows: Array<Record<string, unknown>>): string {
  let prev = GENESIS_HASH;
  const out = rows.map((row) => {
    const { hash: _hash, ...rest } = row;
    const unhashed = { ...rest, payloadHash: payloadHashOf(row.payload), prevHash: prev };
    const entry = { ...unhashed, hash: entryHashOf(unhashed as Omit<JournalEntry, 'hash'>) };
    prev = entry.hash;
    return canonicalJson(entry);
  });
  return `${out.join('\n')}\n`;
}

beforeAll(async () => {
  run = await runScenario('calc-node', 'happy-path');
  expect(run.state.phase, run.lines.join('\n')).toBe('DONE');
  original = await readFile(journalPath(run.ctx.repoRoot, run.ctx.runId));
}, 120_000);

describe('a tampered journal', () => {
  it('a flipped byte in a complete middle or last line is refused by every command, exit 2, naming the line, nothing cut', async () => {
    const all = lines();
    for (const lineNo of [5, all.length]) {
      const start = Buffer.byteLength(
        all
          .slice(0, lineNo - 1)
          .map((l) => `${l}\n`)
          .join(''),
      );
      const copy = Buffer.from(original);
      const at = start + Math.floor(Buffer.byteLength(all[lineNo - 1]!) / 2);
      copy[at] = copy[at]! ^ 0x01;
      await withJournal(copy, async () => {
        const id = run.ctx.runId;
        for (const args of [
          ['resume', id],
          ['replay', id],
          ['runs', 'show', id],
          ['audit', 'verify', id],
          ['runs', 'list'],
        ]) {
          const r = await agentctl(args, run.repo);
          expect(r.exitCode, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2);
          expect(r.stderr, args.join(' ')).toContain(
            `journal ${journalPath(run.ctx.repoRoot, id)} is corrupt at line ${lineNo}:`,
          );
        }
        // Nothing was cut or appended.
        expect(await readFile(journalPath(run.ctx.repoRoot, id))).toEqual(copy);
      });
    }
  }, 120_000);

  it('a journal cut after the approval fails audit verify, naming the commit it no longer records', async () => {
    const all = lines();
    const approval = all.findIndex((l) => (JSON.parse(l) as { type: string }).type === 'approval_decided');
    expect(approval).toBeGreaterThan(0);
    await withJournal(`${all.slice(0, approval + 1).join('\n')}\n`, async () => {
      const r = await agentctl(['audit', 'verify', run.ctx.runId], run.repo);
      expect(r.exitCode, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/✓ hash chain/);
      const sha = run.state.phase === 'DONE' ? run.state.commit.sha : '';
      expect(r.stdout).toContain(`✗ commit ${sha.slice(0, 12)}:`);
      expect(r.stdout).toMatch(
        /no record of its commit intent and result; the journal ends at event \d+ \(approval_decided\)/,
      );
    });
  }, 60_000);

  it('an approver rewritten everywhere in the journal, with the whole chain recomputed, fails on the commit trailer', async () => {
    // Only the fields the attacker rewrites are named; everything else is carried through untouched.
    type Row = Record<string, unknown> & {
      type: string;
      payload?: {
        by?: string;
        event?: { type?: string; by?: string };
        effect?: { kind?: string; approvedBy?: string };
      };
    };
    const rows = lines().map((l) => JSON.parse(l) as Row);
    for (const row of rows) {
      if (row.type === 'approval_decided' && row.payload !== undefined) row.payload.by = 'mallory';
      if (row.payload?.event?.type === 'review_decided') row.payload.event.by = 'mallory';
      if (row.payload?.effect?.kind === 'commit') row.payload.effect.approvedBy = 'mallory';
    }
    await withJournal(rechain(rows), async () => {
      const r = await agentctl(['audit', 'verify', run.ctx.runId], run.repo);
      expect(r.exitCode, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/✓ hash chain/);
      expect(r.stdout).toMatch(
        /✗ commit [0-9a-f]{12} approver: trailer says test policy; the approval event says mallory/,
      );
    });
    // The untouched journal passes, so the checks above are about the edit.
    const clean = await agentctl(['audit', 'verify', run.ctx.runId], run.repo);
    expect(clean.exitCode, clean.stdout + clean.stderr).toBe(0);
  }, 60_000);
});

describe('resume', () => {
  it('of the finished run changes nothing and says how it ended', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'agentctl-cache-'));
    const dir = run.ctx.runDir;
    const before = (await readdir(dir)).sort();
    const r = await agentctl(['resume', run.ctx.runId], run.repo, { AGENTCTL_CACHE_DIR: cache });
    const sha = run.state.phase === 'DONE' ? run.state.commit.sha : '';
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `run ${run.ctx.runId} already finished: DONE, committed ${sha.slice(0, 12)} on agentctl/${run.ctx.runId}`,
    );
    expect(await readFile(journalPath(run.ctx.repoRoot, run.ctx.runId))).toEqual(original);
    expect((await readdir(dir)).sort()).toEqual(before);
    expect(existsSync(worktreeDir(run.ctx.repoRoot, run.ctx.runId, { AGENTCTL_CACHE_DIR: cache }))).toBe(
      false,
    );
    expect(await readdir(cache)).toEqual([]);
  }, 60_000);

  it('of an unknown id is exit 2 and lists the recent runs', async () => {
    const r = await agentctl(['resume', 'no-such-run'], run.repo);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`no run "no-such-run" in`);
    expect(r.stderr).toMatch(/recent runs:/);
    expect(r.stderr).toContain(run.ctx.runId);
  }, 60_000);
});

describe('a 50 MB proposal from a scripted model', () => {
  it('is refused as too large and stored once: the run directory stays well under twice the body', async () => {
    const repo = await fixtureRepo('calc-node');
    const content = `// ${'x'.repeat(99)}\n`.repeat(500_000);
    const cassette = join(await mkdtemp(join(tmpdir(), 'agentctl-big-')), 'big.json');
    await writeFile(
      cassette,
      JSON.stringify({
        version: 1,
        name: 'big',
        task: 'average() of an empty list should return 0',
        turns: [
          { expect: 'ORIENT', text: 'Plan.', calls: [] },
          {
            expect: 'AUTHOR_TEST',
            calls: [
              {
                name: 'propose_test',
                input: { summary: 'huge', edits: [{ op: 'create', path: 'test/big.test.js', content }] },
              },
            ],
          },
          { expect: 'AUTHOR_TEST', calls: [{ name: 'give_up', input: { reason: 'too big' } }] },
        ],
      }),
    );
    const progress: string[] = [];
    const result = await startFix(repo, 'average() of an empty list should return 0', {
      model: await resolveModel(`scripted:${cassette}`, repo),
      approver: policyApprover(400, 'test policy'),
      progress: collectingProgress(progress),
    });
    expect(result.state.phase, progress.join('\n')).toBe('ESCALATED');
    expect(result.state.history[0]).toMatchObject({
      kind: 'scope',
      reason: expect.stringMatching(/the propose_test call carries \d+ bytes; the limit is 1048576/),
    });
    const body = Buffer.byteLength(content);
    const journal = (await stat(journalPath(result.ctx.repoRoot, result.ctx.runId))).size;
    expect(journal).toBeLessThan(256 * 1024);
    const blobs = join(result.ctx.runDir, 'blobs');
    const sizes = await Promise.all(
      (await readdir(blobs)).map(async (n) => (await stat(join(blobs, n))).size),
    );
    expect(journal + sizes.reduce((a, b) => a + b, 0)).toBeLessThan(body * 1.2);
    // The proposal is still in the evidence, whole, read back through its blob.
    const { entries } = await readJournal(journalPath(result.ctx.repoRoot, result.ctx.runId));
    const turn = entries.find((e) => e.type === 'model_response' && JSON.stringify(e.payload).length > body);
    expect(turn?.blobs).toHaveLength(1);
    // Refused before the machine made an effect of it: no apply_patch intent copies the body.
    const kinds = entries.map((e) => (e.payload as { effect?: { kind?: string } }).effect?.kind);
    expect(kinds).not.toContain('apply_patch');
    const shown = await agentctl(['runs', 'show', result.ctx.runId], repo);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/model: propose_test/);
  }, 300_000);
});
