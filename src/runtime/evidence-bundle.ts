import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangedExpectation } from '../core/evidence.js';
import type { RunState } from '../core/state.js';
import type { RunContext } from './context.js';
import { sandboxStatus, type SandboxMode } from '../../sandbox/exec.js';

/** A verdict or reason as Markdown: its first line as prose, the rest (a runner's output) as a text block. */
function prose(text: string): string[] {
  const [head = '', ...rest] = text.split('\n');
  if (rest.join('').trim() === '') return [head];
  return [head, '', '```text', ...rest.map((l) => l.replace(/```/g, "'''")), '```'];
}

/** Each existing test the test patch rewrote, its changed assertion lines old → new. */
function expectationSection(changes: readonly ChangedExpectation[]): string[] {
  if (changes.length === 0) return [];
  const out = ['## Changed expectations', ''];
  for (const c of changes)
    out.push(
      `### ${c.id}`,
      '',
      '```diff',
      ...c.old.map((l) => `- ${l.replace(/```/g, "'''")}`),
      ...c.new.map((l) => `+ ${l.replace(/```/g, "'''")}`),
      '```',
      '',
    );
  return out;
}

/**
 * Renders the run's evidence as Markdown: where the tests ran, the test, its RED failure, and each attempt's diff
 * and verdict. `isolation` says how the test commands were isolated (see {@link isolationLine}).
 */
export function renderEvidence(state: RunState, ctx: RunContext, isolation?: string): string {
  const out: string[] = [`# agentctl run ${ctx.runId}: ${state.phase}`, '', `Task: ${ctx.task}`, ''];
  if (isolation !== undefined) out.push(`Sandbox: ${isolation}`, '');
  if ('reason' in state) out.push(...prose(`Outcome: ${state.reason}`), '');
  out.push(`Attempts: ${state.attempts} of ${state.maxAttempts}`, '');
  if (state.baseline !== null) {
    out.push(
      '## Baseline',
      '',
      `${state.baseline.testIds.length} tests; failing before the run: ${state.baseline.failing.join(', ') || 'none'}`,
      '',
    );
    const errors = state.baseline.errors ?? [];
    if (errors.length > 0)
      out.push(
        "Errors outside tests before the run (the environment's, held aside by the gates):",
        '',
        ...errors.map((e) => `- ${e.file || '(run)'}: ${e.class}: ${e.message.split('\n')[0] ?? ''}`),
        '',
      );
  }
  const test = 'testPatch' in state ? state.testPatch : undefined;
  if (test !== undefined)
    out.push('## The test', '', test.summary, '', '```diff', test.diff.trimEnd(), '```', '');
  out.push(
    `Changed expectations: ${ctx.config.tests.allowChangedExpectations ? 'allowed' : 'forbidden'} (tests.allowChangedExpectations)`,
    '',
  );
  if ('change' in state)
    out.push(
      '## Non-behavioral change (no RED required)',
      '',
      state.changePatch.summary,
      '',
      ...state.change.files.map((f) => `- ${f.path}: ${f.reason}`),
      '',
      '```diff',
      state.changePatch.diff.trimEnd(),
      '```',
      '',
    );
  if ('red' in state) {
    out.push('## RED evidence', '', state.red.message, `report: reports/${state.red.reportSha}.json`, '');
    out.push(...expectationSection(state.red.changedExpectations ?? []));
  }
  for (const attempt of state.history) {
    out.push(
      `## Attempt ${attempt.n}: ${attempt.kind} in ${attempt.phase}`,
      '',
      ...prose(attempt.reason),
      '',
    );
    if (attempt.patch !== undefined) out.push('```diff', attempt.patch.diff.trimEnd(), '```', '');
    if (attempt.reportSha !== undefined) out.push(`report: reports/${attempt.reportSha}.json`, '');
  }
  if ('green' in state)
    out.push(
      '## GREEN evidence',
      '',
      state.green.message,
      `report: reports/${state.green.reportSha}.json`,
      '',
    );
  if (state.phase === 'DONE') out.push('## Commit', '', `${state.commit.sha} on ${state.commit.branch}`, '');
  return out.join('\n');
}

/** How test commands run under `mode` on this machine, in one line for the evidence. */
export async function isolationLine(mode: SandboxMode): Promise<string> {
  if (mode === 'off') return 'off (sandbox.mode "off"): tests ran without isolation';
  const status = await sandboxStatus();
  if (status.available)
    return `bubblewrap (sandbox.mode "${mode}"): tests saw an allowlisted view of the host, no network`;
  return `NOT isolated (sandbox.mode "${mode}"): ${status.reason ?? 'bubblewrap is not available'}`;
}

/** Writes evidence.md and the final state into the run directory; returns the Markdown's path. */
export async function saveEvidence(state: RunState, ctx: RunContext): Promise<string> {
  await mkdir(ctx.runDir, { recursive: true });
  const file = join(ctx.runDir, 'evidence.md');
  await writeFile(file, renderEvidence(state, ctx, await isolationLine(ctx.config.sandbox.mode)));
  await writeFile(join(ctx.runDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  return file;
}
