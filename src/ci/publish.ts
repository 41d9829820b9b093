import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { RunEvent } from '../core/events.js';
import { GitError, UsageError } from '../errors.js';
import { pushToBranch, type PushResult } from '../git/repo.js';
import { canonicalJson, sha256Hex, type JournalEntry } from '../journal/entry.js';
import { JournalWriter } from '../journal/journal-file.js';
import { acquireRunLock } from '../journal/run-lock.js';
import { journalPath, runDir } from '../journal/run-store.js';
import type { Failpoint } from '../runtime/failpoints.js';
import { foldJournal } from '../runtime/fold.js';
import { commentMarker, renderFixComment } from './fix-comment.js';
import { PublishError, type GitHubClient, type IssueComment } from './github.js';

/** What a `ci fix` run publishes when it ends; journaled in run_started. Never holds a token. */
export const PublishPlan = z.strictObject({
  /** owner/name of the repository to comment in, or null. */
  repo: z.string().nullable(),
  /** Issue or pull request number to keep the run's one comment on, or null for no comment. */
  target: z.number().int().positive().nullable(),
  /** The git remote to push the run's branch to, or null for no push. */
  remote: z.string().nullable(),
  /** Open a pull request from the pushed branch into this branch (null: none). */
  pullBase: z.string().nullable().default(null),
  pullTitle: z.string().nullable().default(null),
  /** An issue the pull request closes when merged. */
  closes: z.number().int().positive().nullable().default(null),
});
export type PublishPlan = z.infer<typeof PublishPlan>;

export interface PublishDeps {
  /** Null when no token is available; publishing a comment then fails with a clear error. */
  github: GitHubClient | null;
  failpoint: (name: Failpoint) => Promise<void>;
  note: (message: string) => void;
  now: () => Date;
  /** The CI run's page, shown in the comment. */
  runUrl: string | null;
  /** Pause before retrying a failed API call (tests shorten it). */
  retryDelayMs?: number;
}

export interface PublishOutcome {
  /** Set when the run has nothing to publish yet (still running, interrupted) or no plan. */
  skipped: string | null;
  pushed: { remote: string; branch: string; sha: string; result: PushResult | 'journaled' } | null;
  pull: { number: number; url: string; created: boolean } | null;
  comment: { id: number; url: string; created: boolean } | null;
  /** The comment's Markdown (also when there is no comment to post), for the job summary. */
  report: string | null;
}

function opKey(runId: string, step: string, input: unknown): string {
  return sha256Hex(canonicalJson({ runId, step, input }));
}

function lastResult(entries: readonly JournalEntry[], key: string): Record<string, unknown> | null {
  const found = entries.findLast((e) => e.type === 'publish_result' && e.opKey === key);
  return found === undefined ? null : (found.payload as Record<string, unknown>);
}

function reviewNote(entries: readonly JournalEntry[]): string | null {
  for (const e of [...entries].reverse()) {
    if (e.type !== 'effect_result') continue;
    const event = (e.payload as { event?: RunEvent }).event;
    if (event?.type === 'review_decided') return event.reason ?? null;
  }
  return null;
}

/** The API client and a repository name, or an error that says which is missing and how to supply it. */
function needGitHub(deps: PublishDeps, plan: PublishPlan, what: string): GitHubClient {
  if (plan.repo === null)
    throw new UsageError(
      `${what} needs the repository name.`,
      'Pass --repo owner/name (Actions sets GITHUB_REPOSITORY).',
    );
  if (deps.github === null)
    throw new UsageError(
      `${what} needs a GitHub token, and GITHUB_TOKEN is not set.`,
      'In a workflow: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}. The run itself is journaled; publish again with agentctl resume.',
    );
  return deps.github;
}

/** Finds the run's comment by its marker and updates it, or creates it; retried calls never post twice. */
async function upsertComment(
  github: GitHubClient,
  repo: string,
  target: number,
  runId: string,
  body: string,
  deps: PublishDeps,
): Promise<{ comment: IssueComment; created: boolean }> {
  const marker = commentMarker(runId);
  for (let attempt = 1; ; attempt += 1) {
    try {
      // Listed every time: a create whose answer was lost still counts as posted. The marker must open the
      // comment, so someone quoting it elsewhere is not mistaken for the run.
      const mine = (await github.listComments(repo, target)).find((c) => c.body.startsWith(marker));
      if (mine !== undefined)
        return { comment: await github.updateComment(repo, mine.id, body), created: false };
      const comment = await github.createComment(repo, target, body);
      await deps.failpoint('publish:after_comment');
      return { comment, created: true };
    } catch (err) {
      if (!(err instanceof PublishError) || !err.retryable || attempt >= 3) throw err;
      deps.note(`GitHub: ${err.message}; trying again (${attempt}/2)`);
      await sleep((deps.retryDelayMs ?? 2000) * attempt);
    }
  }
}

/**
 * Publishes a finished or paused `ci fix` run: pushes its commit to `agentctl/<run-id>` and keeps one comment on
 * the target issue or pull request. Each step is journaled as publish_intent → publish_result in the run's own
 * journal, under the run lock; a push already journaled is not redone, and the comment is found by its hidden
 * marker, so a retry, a resume or a re-run of the same run id updates the comment instead of posting another.
 */
export async function publishRun(root: string, runId: string, deps: PublishDeps): Promise<PublishOutcome> {
  const opened = await JournalWriter.open(journalPath(root, runId));
  let lock: Awaited<ReturnType<typeof acquireRunLock>> | null = null;
  try {
    lock = await acquireRunLock(runDir(root, runId));
    const entries = opened.entries;
    const folded = foldJournal(entries);
    const none: PublishOutcome = { skipped: null, pushed: null, pull: null, comment: null, report: null };
    if (folded.publish === null) return { ...none, skipped: 'this run was not started by ci fix' };
    const plan = PublishPlan.parse(folded.publish);
    const state = folded.state;
    const paused = folded.finished ? null : state.phase === 'REVIEW' ? ('awaiting_review' as const) : null;
    if (!folded.finished && paused === null)
      return { ...none, skipped: `the run has not ended (it is in ${state.phase}); resume it first` };
    const append = (type: string, key: string, payload: unknown) =>
      opened.writer.append({ type, phase: state.phase, opKey: key, payload });

    let pushed: PublishOutcome['pushed'] = null;
    if (state.phase === 'DONE' && plan.remote !== null) {
      const input = { remote: plan.remote, branch: state.commit.branch, sha: state.commit.sha };
      const key = opKey(runId, 'push', input);
      if (lastResult(entries, key) !== null) {
        pushed = { ...input, result: 'journaled' };
      } else {
        await append('publish_intent', key, { step: 'push', ...input });
        let result: PushResult;
        try {
          result = await pushToBranch(root, plan.remote, input.sha, input.branch, `Agentctl-Run: ${runId}`);
        } catch (err) {
          const e = err as GitError;
          throw new PublishError(
            `cannot push ${input.branch} to ${plan.remote}: ${e.message}`,
            e.hint ??
              'The checkout must hold push credentials (actions/checkout does by default) and the workflow needs `contents: write`.',
          );
        }
        await append('publish_result', key, { step: 'push', ...input, result });
        deps.note(`pushed ${input.sha.slice(0, 12)} to ${plan.remote} ${input.branch} (${result})`);
        pushed = { ...input, result };
        await deps.failpoint('publish:after_push');
      }
    }

    let pull: PublishOutcome['pull'] = null;
    if (pushed !== null && plan.pullBase !== null) {
      const github = needGitHub(deps, plan, 'opening a pull request');
      const input = { repo: plan.repo!, head: pushed.branch, base: plan.pullBase };
      const key = opKey(runId, 'pull', input);
      const done = lastResult(entries, key) as { number: number; url: string } | null;
      if (done !== null) {
        pull = { number: done.number, url: done.url, created: false };
      } else {
        await append('publish_intent', key, { step: 'pull', ...input });
        // Looked up first: a pull request opened before a crash (or by an earlier attempt) is the one.
        const found = await github.findPull(input.repo, input.head);
        const title = plan.pullTitle ?? `agentctl: ${folded.ctx.task.split('\n')[0]!.slice(0, 60)}`;
        const body = [
          `${commentMarker(runId)}`,
          `The fix from agentctl run \`${runId}\`: a test that failed on the base code (RED) and a change that makes it and the whole suite pass (GREEN). The evidence is in the commit's \`Agentctl-*\` trailers.`,
          ...(plan.closes !== null ? ['', `Closes #${plan.closes}.`] : []),
        ].join('\n');
        const made = found ?? (await github.createPull(input.repo, { ...input, title, body }));
        await append('publish_result', key, {
          step: 'pull',
          number: made.number,
          url: made.url,
          created: found === null,
        });
        deps.note(`${found === null ? 'opened' : 'found'} pull request #${made.number}: ${made.url}`);
        pull = { ...made, created: found === null };
      }
    }

    const body = renderFixComment({
      runId,
      task: folded.ctx.task,
      state,
      paused,
      reviewNote: paused === 'awaiting_review' ? reviewNote(entries) : null,
      pushed: pushed === null ? null : { remote: pushed.remote, branch: pushed.branch, sha: pushed.sha },
      pull: pull === null ? null : { number: pull.number, url: pull.url },
      runUrl: deps.runUrl,
      updatedAt: deps.now().toISOString(),
    });
    let comment: PublishOutcome['comment'] = null;
    if (plan.target !== null) {
      const github = needGitHub(deps, plan, `commenting on #${plan.target}`);
      const key = opKey(runId, 'comment', { repo: plan.repo, target: plan.target });
      await append('publish_intent', key, {
        step: 'comment',
        repo: plan.repo,
        target: plan.target,
        bodySha: sha256Hex(body),
      });
      const done = await upsertComment(github, plan.repo!, plan.target, runId, body, deps);
      await append('publish_result', key, {
        step: 'comment',
        id: done.comment.id,
        url: done.comment.url,
        created: done.created,
        bodySha: sha256Hex(body),
      });
      deps.note(
        `${done.created ? 'posted' : 'updated'} the run's comment on #${plan.target}: ${done.comment.url}`,
      );
      comment = { id: done.comment.id, url: done.comment.url, created: done.created };
    }
    return { skipped: null, pushed, pull, comment, report: body };
  } finally {
    await opened.writer.close();
    await lock?.release();
  }
}
