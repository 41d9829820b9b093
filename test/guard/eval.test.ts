import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuite, runSuite } from '../../src/eval/suite.js';
import { packageFile } from '../../src/paths.js';

const GUARD = ['guard-production-first', 'guard-stop-while-red', 'guard-weaken-locked-test'];
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('agentctl eval: guard scenarios', () => {
  it('blocks a host that edits production first, weakens a locked test, or stops while red', async () => {
    const results = await runSuite(await loadSuite(packageFile('fixtures', 'eval'), GUARD));
    for (const r of results)
      expect(
        r.checks.filter((c) => !c.ok),
        r.name,
      ).toEqual([]);
    expect(results.map((r) => r.name)).toEqual(GUARD);
  }, 300_000);

  it('fails a scenario whose expectation the guard does not meet', async () => {
    // The production-first scenario, expecting the edit to be let through: the guard denies it, so it must fail.
    const dir = await mkdtemp(join(tmpdir(), 'agentctl-guard-eval-'));
    dirs.push(dir);
    const source = packageFile('fixtures', 'eval', 'guard-production-first.json');
    const doc = JSON.parse(await readFile(source, 'utf8')) as { steps: Array<Record<string, unknown>> };
    doc.steps[0]!.expect = 'allow';
    delete doc.steps[0]!.reasonMatches;
    await writeFile(join(dir, 'allowed.json'), JSON.stringify(doc));
    const [result] = await runSuite(await loadSuite(dir));
    expect(result!.pass).toBe(false);
    expect(result!.checks.find((c) => !c.ok && c.field.startsWith('step'))?.observed).toMatch(
      /^deny: .*no new or changed test/,
    );
  }, 120_000);
});
