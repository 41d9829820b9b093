import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunState } from '../core/state.js';
import type { RunContext } from './context.js';

/** A verdict or reason as Markdown: its first line as prose, the rest (a runner's output) as a text block. */
function prose(text: string): string[] {
  const [head = '', ...rest] = text.split('\n');
  if (rest.join('').trim() === '') return [head];
  return [head, '', '```text', ...rest.map((l) => l.replace(/```/g, "'''")), '```'];
}

/** Renders the run's evidence as Markdown: the test, its RED failure, and each attempt's diff and verdict. */
export function renderEvidence(state: RunState, ctx: RunContext): string {
  const out: string[] = [`# agentctl run ${ctx.runId}: ${state.phase}`, '', `Task: ${ctx.task}`, ''];
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
  if ('red' in state)
    out.push('## RED evidence', '', state.red.message, `report: reports/${state.red.reportSha}.json`, '');
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

/** Writes evidence.md and the final state into the run directory; returns the Markdown's path. */
export async function saveEvidence(state: RunState, ctx: RunContext): Promise<string> {
  await mkdir(ctx.runDir, { recursive: true });
  const file = join(ctx.runDir, 'evidence.md');
  await writeFile(file, renderEvidence(state, ctx));
  await writeFile(join(ctx.runDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  return file;
}
