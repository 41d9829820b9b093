/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCiCheck } from '../../src/ci/check.js';
import { renderMarkdown } from '../../src/ci/report-markdown.js';
import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import { resolveModel } from '../../src/model/resolve.js';
import { packageFile } from '../../src/paths.js';
import type { Approver, ReviewRequest } from '../../src/runtime/context.js';
import { startFix } from '../../src/runtime/session.js';
import { reviewDocument } from '../../src/ui/review-doc.js';
import { cleanupRepos, prRepo, useScratchCache } from '../ci/pr-repo.js';
import { cassettePath, collectingProgress, fixtureRepo, gitOut } from '../helpers/fixture-repo.js';
import { expectReplays } from '../helpers/replay.js';

// Issue 14 point 3: an existing test whose title says "collapses" while its assertion pins 'hello--world'.
const ID = 'test/slug.test.js > slugify collapses runs of spaces into one hyphen';
const OLD = "assert.equal(slugify('Hello  World'), 'hello--world');";
const NEW = "assert.equal(slugify('Hello  World'), 'hello-world');";

/** Plays a slug-node cassette on a fresh copy of the fixture; `config` replaces its agentctl.config.json. */
async function run(scenario: string, config?: object) {
  const repo = await fixtureRepo('slug-node');
  if (config !== undefined) {
    await writeFile(join(repo, 'agentctl.config.json'), JSON.stringify(config));
    await gitOut(repo, ['commit', '-q', '-am', 'config']);
  }
  const file = cassettePath('slug-node', scenario);
  const { task } = JSON.parse(await readFile(file, 'utf8')) as { task: string };
  const reviews: ReviewRequest[] = [];
  const approver: Approver = {
    review: (request) => {
      reviews.push(request);
      return Promise.resolve({ decision: 'approve', by: 'test reviewer' });
    },
  };
  const lines: string[] = [];
  const result = await startFix(repo, task, {
    model: await resolveModel(`scripted:${file}`, repo),
    approver,
    progress: collectingProgress(lines),
  });
  const journal = await readJournal(journalPath(result.ctx.repoRoot, result.ctx.runId));
  return { repo, lines, reviews, journal: journal.entries, ...result };
}

describe('a fix that reverses what an existing test asserted', () => {
  it('changes the stale expectation and the code, and commits; review, trailers and evidence show old → new', async () => {
    const r = await run('changed-expectation');
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('DONE');
    // The first change passed on the unchanged code: it reversed nothing, so RED refused it.
    expect(r.state.history.map((h) => h.kind)).toEqual(['red_failed']);
    expect(r.state.history[0]?.reason).toMatch(
      /does not constrain behavior: .*\(an existing test whose expectation the patch changes\) passes/,
    );
    if (r.state.phase !== 'DONE' || !('red' in r.state))
      throw new Error('the run must end DONE with RED evidence');
    expect(r.state.red.newTestIds).toEqual([ID]);
    expect(r.state.red.changedExpectations).toEqual([{ id: ID, old: [OLD], new: [NEW] }]);

    const message = await gitOut(r.repo, ['log', '-1', '--format=%B', r.state.commit.sha]);
    expect(message).toContain(`\nAgentctl-Changed-Expectation: ${ID}: ${OLD} -> ${NEW}\n`);
    const trailers = await gitOut(r.repo, [
      'log',
      '-1',
      '--format=%(trailers:key=Agentctl-Changed-Expectation,valueonly)',
      r.state.commit.sha,
    ]);
    expect(trailers).toBe(`${ID}: ${OLD} -> ${NEW}`);

    expect(r.reviews).toHaveLength(1);
    const rows = reviewDocument(r.reviews[0]!, 200).rows.map((row) => row.text);
    expect(rows).toContain('Changed expectations (1 existing test)');
    expect(rows).toContain(`~ ${ID}`);
    expect(rows).toContain(`    old: ${OLD}`);
    expect(rows).toContain(`    new: ${NEW}`);

    const evidence = await readFile(join(r.ctx.runDir, 'evidence.md'), 'utf8');
    expect(evidence).toContain('Changed expectations: allowed (tests.allowChangedExpectations)');
    expect(evidence).toContain(
      `## Changed expectations\n\n### ${ID}\n\n\`\`\`diff\n- ${OLD}\n+ ${NEW}\n\`\`\``,
    );

    // The RED event carries it, and the gate's journaled inputs hold what named it.
    const red = r.journal
      .filter((e) => e.type === 'gate_verdict')
      .map((e) => JSON.stringify(e.payload))
      .filter((p) => p.includes('"gate":"RED"'));
    expect(red.at(-1)).toContain(`"changedExpectations":[{"id":${JSON.stringify(ID)}`);
    expect(red.at(-1)).toContain('"allowed":true');
  });

  it('with tests.allowChangedExpectations false, the same change is refused each time and the run escalates saying why', async () => {
    const r = await run('changed-expectation-insists', {
      test: { runner: 'node' },
      tests: { allowChangedExpectations: false },
    });
    await expectReplays(r);
    expect(r.state.phase, r.lines.join('\n')).toBe('ESCALATED');
    expect(r.state.history.map((h) => h.kind)).toEqual(['red_failed', 'red_failed', 'red_failed']);
    if (r.state.phase !== 'ESCALATED') return;
    expect(r.state.reason).toMatch(
      /^3 failed attempts \(cap 3\); last: the test patch changes existing tests/,
    );
    expect(r.state.reason).toContain(`${ID}: ${OLD} → ${NEW}`);
    expect(r.state.reason).toMatch(
      /tests\.allowChangedExpectations is false in agentctl\.config\.json, so existing tests may not change: add new tests instead/,
    );
    const evidence = await readFile(join(r.ctx.runDir, 'evidence.md'), 'utf8');
    expect(evidence).toContain('Changed expectations: forbidden (tests.allowChangedExpectations)');
  });
});

describe('ci check on a pull request that changes such an expectation', () => {
  beforeAll(useScratchCache);
  afterAll(cleanupRepos);

  const fixture = (path: string) => readFile(packageFile('fixtures', 'repos', 'slug-node', path), 'utf8');

  it('counts the changed test as RED evidence and shows it old → new, in Markdown and --json', async () => {
    const source = await fixture('src/slug.js');
    const test = await fixture('test/slug.test.js');
    const repo = await prRepo({ 'src/slug.js': source, 'test/slug.test.js': test });
    const head = await repo.pr('collapse-spaces', {
      'src/slug.js': source.replace('/\\s/g', '/\\s+/g'),
      'test/slug.test.js': test.replace(OLD, NEW),
    });
    const v = await runCiCheck({ cwd: repo.dir, base: repo.base, head });
    expect(v.ok, JSON.stringify(v.findings)).toBe(true);
    const e = v.evidence.find((x) => x.id === ID);
    expect(e).toMatchObject({ counts: true, changedExpectation: { old: [OLD], new: [NEW] } });
    const md = renderMarkdown(v);
    expect(md).toContain(
      `### Changed expectations\n\n\`${ID}\` fails on base by assertion and passes on head:\n\n\`\`\`diff\n- ${OLD}\n+ ${NEW}\n\`\`\``,
    );

    // A change whose test passes on base reverses nothing: it is no evidence, and the check fails.
    const passing = await repo.pr('passing-change', {
      'src/slug.js': source.replace('/\\s/g', '/\\s+/g'),
      'test/slug.test.js': test.replace(OLD, "assert.equal(slugify('Hello World'), 'hello-world');"),
    });
    const p = await runCiCheck({ cwd: repo.dir, base: repo.base, head: passing });
    expect(p.ok).toBe(false);
    expect(p.evidence.find((x) => x.id === ID)).toMatchObject({ counts: false });
    expect(renderMarkdown(p)).toContain('does not count as evidence');
  });

  it("fails the pull request when the base's config sets tests.allowChangedExpectations to false", async () => {
    const source = await fixture('src/slug.js');
    const test = await fixture('test/slug.test.js');
    const repo = await prRepo({
      'agentctl.config.json': JSON.stringify({
        test: { runner: 'node' },
        tests: { allowChangedExpectations: false },
      }),
      'src/slug.js': source,
      'test/slug.test.js': test,
    });
    const head = await repo.pr('collapse-spaces', {
      'src/slug.js': source.replace('/\\s/g', '/\\s+/g'),
      'test/slug.test.js': test.replace(OLD, NEW),
    });
    const v = await runCiCheck({ cwd: repo.dir, base: repo.base, head });
    expect(v.ok).toBe(false);
    expect(v.findings).toContainEqual(
      expect.objectContaining({
        check: 'integrity',
        rule: 'expectation_changed',
        testId: ID,
        message: expect.stringMatching(/tests\.allowChangedExpectations is false/),
      }),
    );
    expect(v.checks.find((c) => c.id === 'integrity')?.status).toBe('fail');
  });
});
