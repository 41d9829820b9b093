import type { PatchRef } from '../core/evidence.js';
import type { RunState } from '../core/state.js';

/** The hidden line by which a run finds its own comment again, however often it is retried or resumed. */
export function commentMarker(runId: string): string {
  return `<!-- agentctl:run=${runId} -->`;
}

/** Everything a comment says; all of it comes from the journal, nothing from the model's claims. */
export interface CommentFacts {
  runId: string;
  task: string;
  state: RunState;
  paused: null | 'awaiting_review' | 'interrupted';
  /** Why the policy left the patch to a human, from the journal's review decision. */
  reviewNote: string | null;
  pushed: { remote: string; branch: string; sha: string } | null;
  /** The pull request opened from the pushed branch, if any. */
  pull?: { number: number; url: string } | null;
  /** Where this CI run can be seen, if known (a workflow run URL). */
  runUrl: string | null;
  updatedAt: string;
}

// GitHub refuses comments over 65,536 characters; diffs are cut to fit well inside that.
const MAX_DIFF_CHARS = 20_000;

function fence(diff: string): string {
  const text =
    diff.length > MAX_DIFF_CHARS
      ? `${diff.slice(0, MAX_DIFF_CHARS)}\n… (${diff.length - MAX_DIFF_CHARS} more characters; the full diff is in the run's journal)`
      : diff.trimEnd();
  const ticks = text.includes('```') ? '~~~~' : '```';
  return `${ticks}diff\n${text}\n${ticks}`;
}

function patchBlock(title: string, patch: PatchRef, open = false): string[] {
  return [
    `<details${open ? ' open' : ''}><summary>${title}: ${escape(patch.summary)} (${patch.files.length} file${patch.files.length === 1 ? '' : 's'}, ${patch.changedLines} lines, <code>${patch.sha.slice(0, 12)}</code>)</summary>`,
    '',
    fence(patch.diff),
    '',
    '</details>',
  ];
}

/** Repository and model text shown in a comment: no HTML, no mentions that would notify people. */
function escape(text: string): string {
  return text
    .replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!)
    .replace(/@/g, '@\u200b');
}

/** Text in a code span: entities would show literally there, so only backticks are replaced. */
function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}

function firstLine(text: string, max = 200): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function headline(f: CommentFacts): string {
  const s = f.state;
  if (s.phase === 'DONE') return `Fixed and tested: commit \`${s.commit.sha.slice(0, 12)}\``;
  if (f.paused === 'awaiting_review') return 'A GREEN fix waits for a human review';
  if (f.paused === 'interrupted') return `Interrupted in ${s.phase}; the run can be resumed`;
  return `${s.phase}: ${'reason' in s ? escape(firstLine(s.reason)) : 'stopped'}`;
}

/** The one comment a `ci fix` run keeps on its issue or pull request. */
export function renderFixComment(f: CommentFacts): string {
  const s = f.state;
  const out: string[] = [commentMarker(f.runId), `### agentctl · ${headline(f)}`, ''];
  out.push(`**Task:** ${escape(firstLine(f.task))}`, '');
  if (s.phase === 'DONE') {
    if (f.pull != null) out.push(`Opened pull request #${f.pull.number}: ${f.pull.url}`, '');
    if (f.pushed !== null) {
      out.push(
        `Pushed to \`${f.pushed.branch}\` on \`${f.pushed.remote}\`. To take it:`,
        '',
        '```sh',
        `git fetch ${f.pushed.remote} ${f.pushed.branch} && git merge --ff-only FETCH_HEAD`,
        '```',
        '',
      );
    } else {
      out.push(`Committed on the local branch \`${s.commit.branch}\` (not pushed).`, '');
    }
  }
  if (f.paused === 'awaiting_review') {
    out.push(
      `The fix passed every gate, but the approval policy left it to a person${f.reviewNote !== null ? `: ${escape(f.reviewNote)}` : ''}.`,
      `Nothing was committed or pushed. Review the patches below; to commit them, apply them, or run \`agentctl resume ${f.runId}\` with this run's journal (\`.agentctl/runs/${f.runId}\`).`,
      '',
    );
  }
  if ('red' in s) {
    const failures = s.red.failures.map(
      (x) => `${code(firstLine(x.id, 160))} (${x.class}): ${escape(firstLine(x.message, 160))}`,
    );
    out.push(
      `**RED** on the unchanged code: ${failures.length > 0 ? failures.join('; ') : escape(s.red.message)}`,
    );
  }
  if ('green' in s) out.push(`**GREEN**: ${escape(firstLine(s.green.message.replace(/^GREEN:\s*/, '')))}`);
  out.push(
    `**Attempts:** ${s.attempts} failed of ${s.maxAttempts} allowed · **model turns:** ${s.usage.turns}`,
    '',
  );
  if (s.phase !== 'DONE' && s.history.length > 0) {
    out.push('**What was tried:**', '');
    for (const a of s.history) out.push(`${a.n}. ${a.kind} in ${a.phase}: ${escape(firstLine(a.reason))}`);
    out.push('');
  }
  if ('testPatch' in s) out.push(...patchBlock('Test', s.testPatch, f.paused === 'awaiting_review'), '');
  if ('fixPatch' in s) out.push(...patchBlock('Fix', s.fixPatch, f.paused === 'awaiting_review'), '');
  const where = f.runUrl !== null ? ` · [CI run](${f.runUrl})` : '';
  out.push(
    `<sub>agentctl run \`${f.runId}\` · evidence in \`.agentctl/runs/${f.runId}\`${where} · updated ${f.updatedAt}</sub>`,
  );
  return `${out.join('\n')}\n`;
}
