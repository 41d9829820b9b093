import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { materializeFixture } from '../../src/cli/commands/demo.js';
import type { RunState } from '../../src/core/state.js';
import { readJournal } from '../../src/journal/journal-file.js';
import { journalPath } from '../../src/journal/run-store.js';
import { resolveModel } from '../../src/model/resolve.js';
import { packageFile } from '../../src/paths.js';
import { policyApprover } from '../../src/policy/approval.js';
import type { Approver, ProgressSink } from '../../src/runtime/context.js';
import { startFix } from '../../src/runtime/session.js';

/** A fresh git repo holding a copy of a bundled fixture, with agentctl's node_modules linked in. */
export function fixtureRepo(name: string): Promise<string> {
  return materializeFixture(name, true);
}

export function cassettePath(repo: string, scenario: string): string {
  return packageFile('fixtures', 'cassettes', repo, `${scenario}.json`);
}

/** Collects progress lines for assertions and failure messages. */
export function collectingProgress(lines: string[]): ProgressSink {
  return {
    entry: () => undefined,
    effectStarted: (effect) => lines.push(`effect ${effect.kind}`),
    transitioned: (from, to) => lines.push(`${from.phase} -> ${to.phase} (attempts ${to.attempts})`),
    note: (m) => lines.push(m),
  };
}

/** Runs one cassette on its fixture through the real runtime (real git, real test runner). */
export async function runScenario(
  fixture: string,
  scenario: string,
  approver: Approver = policyApprover(400, 'test policy'),
) {
  const repo = await fixtureRepo(fixture);
  const file = cassettePath(fixture, scenario);
  const cassette = JSON.parse(await readFile(file, 'utf8')) as { task: string };
  const lines: string[] = [];
  const result = await startFix(repo, cassette.task, {
    model: await resolveModel(`scripted:${file}`, repo),
    approver,
    progress: collectingProgress(lines),
  });
  const journal = await readJournal(journalPath(result.ctx.repoRoot, result.ctx.runId));
  return { repo, lines, journal: journal.entries, ...result };
}

export async function gitOut(dir: string, args: string[]): Promise<string> {
  return (await simpleGit(dir).raw(args)).trim();
}

export function phaseOf(state: RunState): string {
  return state.phase;
}

export async function readText(...parts: string[]): Promise<string> {
  return readFile(join(...parts), 'utf8');
}
