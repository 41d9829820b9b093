import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CiVerdict } from '../../src/ci/verdict.js';
import { packageFile } from '../../src/paths.js';
import {
  CALC,
  CALC_FIXED,
  CALC_TEST,
  cleanupRepos,
  prRepo,
  useScratchCache,
  withTest,
  type PrRepo,
} from './pr-repo.js';

// Runs dist/: `npm test` builds first; run `npm run build` before running this file alone.
const BIN = packageFile('bin', 'agentctl.js');

let repo: PrRepo;
let out: string;

function agentctl(args: string[], env: Record<string, string> = {}) {
  return execa('node', [BIN, 'ci', 'check', ...args], {
    cwd: repo.dir,
    reject: false,
    stdin: 'ignore',
    env: {
      NO_COLOR: '1',
      GITHUB_ACTIONS: '',
      GITHUB_STEP_SUMMARY: '',
      AGENTCTL_CACHE_DIR: process.env.AGENTCTL_CACHE_DIR!,
      ...env,
    },
  });
}

beforeAll(async () => {
  await useScratchCache();
  repo = await prRepo({ 'src/calc.js': CALC, 'test/calc.test.js': CALC_TEST });
  out = await mkdtemp(join(tmpdir(), 'agentctl-ci-out-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await cleanupRepos();
});

describe('agentctl ci check, the built binary', () => {
  it('exits 0 for a fix with a RED test, printing a Markdown report and appending it to the step summary', async () => {
    const head = await repo.pr('bin-pass', {
      'src/calc.js': CALC_FIXED,
      'test/calc.test.js': withTest(
        `  it('averages [] as 0', () => {\n    assert.equal(average([]), 0);\n  });`,
      ),
    });
    const summary = join(out, 'summary.md');
    const r = await agentctl(['--base', 'main', '--head', head], { GITHUB_STEP_SUMMARY: summary });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^## ✅ agentctl ci check passed/);
    expect(r.stdout).toMatch(/\| RED evidence \| ✅ pass \| .*averages \[\] as 0 fails by assertion/);
    expect(await readFile(summary, 'utf8')).toContain('agentctl ci check passed');
  });

  it('exits 1 for a fix without a test; --json, --junit, --sarif and annotations all carry the finding', async () => {
    const head = await repo.pr('bin-fail', { 'src/calc.js': CALC_FIXED });
    const junit = join(out, 'check.xml');
    const sarif = join(out, 'check.sarif');
    const r = await agentctl(
      ['--base', 'main', '--head', head, '--json', '--junit', junit, '--sarif', sarif],
      {
        GITHUB_ACTIONS: 'true',
      },
    );
    expect(r.exitCode, r.stderr).toBe(1);
    const verdict = JSON.parse(r.stdout) as CiVerdict;
    expect(verdict).toMatchObject({
      ok: false,
      findings: [{ rule: 'no_test_evidence', file: 'src/calc.js', line: 2 }],
    });
    // With --json the annotations go to stderr, leaving stdout pure JSON.
    expect(r.stderr).toMatch(
      /^::error file=src\/calc\.js,line=2,title=agentctl ci check%3A no_test_evidence::src\/calc\.js changes behavior/m,
    );

    const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(junit, 'utf8')) as {
      testsuites: { testsuite: { testcase: Array<{ '@_name': string; failure?: { '#text': string } }> } };
    };
    const cases = xml.testsuites.testsuite.testcase;
    expect(cases.map((c) => c['@_name'])).toEqual([
      'Behavior change',
      'RED evidence',
      'Test integrity',
      'Runner environment',
      'Full suite on head',
    ]);
    expect(cases[1]?.failure?.['#text']).toMatch(/^src\/calc\.js:2 src\/calc\.js changes behavior/);

    const log = JSON.parse(await readFile(sarif, 'utf8')) as {
      version: string;
      runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: unknown }> }> }>;
    };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results).toEqual([
      expect.objectContaining({
        ruleId: 'no_test_evidence',
        locations: [
          { physicalLocation: { artifactLocation: { uri: 'src/calc.js' }, region: { startLine: 2 } } },
        ],
      }),
    ]);
  });

  it('exits 2 on usage errors: no --base, a ref that does not exist', async () => {
    const missing = await agentctl([]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/required option '--base <ref>'/);
    const bad = await agentctl(['--base', 'no-such-branch']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/no-such-branch is not a commit/);
  });
});
