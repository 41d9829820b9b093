import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { PublishEffect, PublishEvent, RunEvent } from '../core/events.js';
import type { RunState } from '../core/state.js';
import { GitError, InternalError, UsageError } from '../errors.js';
import { pushToBranch } from '../git/repo.js';
import { sha256Hex } from '../journal/hash.js';
import type { JournalEntry } from '../journal/entry.js';
import { runEntries } from '../journal/run-entries.js';
import type { ProgressSink } from '../runtime/context.js';
import { foldJournal } from '../runtime/fold.js';
import { opKeyFor } from '../runtime/op-key.js';
import { openStepJournal, type StepJournal } from '../runtime/session.js';
import { journaledResult, runStep } from '../runtime/step.js';
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
  pushed: {
    remote: string;
    branch: string;
    sha: string;
    result: 'pushed' | 'up_to_date' | 'replaced' | 'journaled';
  } | null;
  pull: { number: number; url: string; created: boolean } | null;
  comment: { id: number; url: string; created: boolean } | null;
  /** The comment's Markdown (also when there is no comment to post), for the job summary. */
  report: string | null;
}

type PublishType = PublishEvent['type'];
type Published<T extends PublishType> = Extract<RunEvent, { type: T }>;

function reviewNote(entries: readonly JournalEntry[]): string | null {
  for (const e of runEntries(entries).reverse()) {
    if (e.type === 'effect_result' && e.payload.event.type === 'review_decided')
      return e.payload.event.reason ?? null;
  }
  return null;
}

/** The API client and a repository name, or an error that says which is missing and how to supply it. */
function needGitHub(
  deps: PublishDeps,
  plan: PublishPlan,
  what: string,
): { github: GitHubClient; repo: string } {
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
  return { github: deps.github, repo: plan.repo };
}

/** Finds the run's comment by its marker and updates it, or creates it; retried calls never post twice. */
async function upsertComment(
  github: GitHubClient,
  repo: string,
  target: number,
  runId: string,
  body: string,
  deps: PublishDeps,
  steps: StepJournal,
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
      await steps.deps.failpoint('publish:after_comment');
      return { comment, created: true };
    } catch (err) {
      if (!(err instanceof PublishError) || !err.retryable || attempt >= 3) throw err;
      deps.note(`GitHub: ${err.message}; trying again (${attempt}/2)`);
      await sleep((deps.retryDelayMs ?? 2000) * attempt);
    }
  }
}

/** Progress for publishing: only notes reach the user (the steps themselves are reported by publishRun). */
function notesOnly(note: (message: string) => void): ProgressSink {
  return { entry: () => undefined, effectStarted: () => undefined, transitioned: () => undefined, note };
}

/** Runs one publishing effect through the runtime's step executor (intent, effect, result, one op-key scheme). */
async function step<T extends PublishType>(
  effect: PublishEffect,
  state: RunState,
  runId: string,
  steps: StepJournal,
  type: T,
  perform: () => Promise<Published<T>>,
): Promise<Published<T>> {
  const done = await runStep(effect, state, runId, steps.deps, perform);
  if ('interrupted' in done) throw new PublishError(`publishing was interrupted at ${effect.kind}`);
  return asPublished(done.event, type);
}

function isPublished<T extends PublishType>(event: RunEvent, type: T): event is Published<T> {
  return event.type === type;
}

/** The journaled event as the publishing step it answers; anything else means the journal is not this run's. */
function asPublished<T extends PublishType>(event: RunEvent, type: T): Published<T> {
  if (!isPublished(event, type)) throw new InternalError(`expected a ${type} event, got ${event.type}`);
  return event;
}

/**
 * Publishes a finished or paused `ci fix` run: pushes its commit to `agentctl/<run-id>`, opens the pull request
 * if planned, and keeps one comment on the target issue or pull request. Each step is an effect run by the
 * runtime's step executor in the run's own journal, under the run lock, keyed like every other effect: a push or
 * pull request already journaled is not redone, and the comment is found by its hidden marker, so a retry, a
 * resume or a re-run of the same run id updates the comment instead of posting another.
 */
export async function publishRun(root: string, runId: string, deps: PublishDeps): Promise<PublishOutcome> {
  const steps = await openStepJournal(root, runId, notesOnly(deps.note));
  try {
    const entries = steps.entries;
    const folded = foldJournal(entries);
    const none: PublishOutcome = { skipped: null, pushed: null, pull: null, comment: null, report: null };
    if (folded.publish === null) return { ...none, skipped: 'this run was not started by ci fix' };
    const plan = PublishPlan.parse(folded.publish);
    const state = folded.state;
    const paused = folded.finished ? null : state.phase === 'REVIEW' ? ('awaiting_review' as const) : null;
    if (!folded.finished && paused === null)
      return { ...none, skipped: `the run has not ended (it is in ${state.phase}); resume it first` };
    const already = (effect: PublishEffect) => journaledResult(entries, opKeyFor(runId, state, effect));

    let pushed: PublishOutcome['pushed'] = null;
    if (state.phase === 'DONE' && plan.remote !== null) {
      const effect = {
        kind: 'publish_push',
        remote: plan.remote,
        branch: state.commit.branch,
        sha: state.commit.sha,
      } as const;
      const input = { remote: effect.remote, branch: effect.branch, sha: effect.sha };
      if (already(effect) !== null) {
        pushed = { ...input, result: 'journaled' };
      } else {
        const done = await step(effect, state, runId, steps, 'pushed', async () => {
          try {
            const result = await pushToBranch(
              root,
              input.remote,
              input.sha,
              input.branch,
              `Agentctl-Run: ${runId}`,
            );
            return { type: 'pushed', ...input, result };
          } catch (err) {
            if (!(err instanceof GitError)) throw err;
            throw new PublishError(
              `cannot push ${input.branch} to ${input.remote}: ${err.message}`,
              err.hint ??
                'The checkout must hold push credentials (actions/checkout does by default) and the workflow needs `contents: write`.',
            );
          }
        });
        deps.note(`pushed ${input.sha.slice(0, 12)} to ${input.remote} ${input.branch} (${done.result})`);
        pushed = { ...input, result: done.result };
        await steps.deps.failpoint('publish:after_push');
      }
    }

    let pull: PublishOutcome['pull'] = null;
    if (pushed !== null && plan.pullBase !== null) {
      const { github, repo } = needGitHub(deps, plan, 'opening a pull request');
      const effect = {
        kind: 'publish_pull',
        repo,
        head: pushed.branch,
        base: plan.pullBase,
        title: plan.pullTitle ?? `agentctl: ${folded.ctx.task.split('\n')[0]!.slice(0, 60)}`,
        closes: plan.closes,
      } as const;
      const journaled = already(effect);
      if (journaled !== null) {
        const done = asPublished(journaled, 'pull_request_opened');
        pull = { number: done.number, url: done.url, created: false };
      } else {
        const done = await step(effect, state, runId, steps, 'pull_request_opened', async () => {
          // Looked up first: a pull request opened before a crash (or by an earlier attempt) is the one.
          const found = await github.findPull(repo, effect.head);
          const body = [
            commentMarker(runId),
            `The fix from agentctl run \`${runId}\`: a test that failed on the base code (RED) and a change that makes it and the whole suite pass (GREEN). The evidence is in the commit's \`Agentctl-*\` trailers.`,
            ...(effect.closes !== null ? ['', `Closes #${effect.closes}.`] : []),
          ].join('\n');
          const made =
            found ??
            (await github.createPull(repo, {
              head: effect.head,
              base: effect.base,
              title: effect.title,
              body,
            }));
          return { type: 'pull_request_opened', number: made.number, url: made.url, created: found === null };
        });
        deps.note(`${done.created ? 'opened' : 'found'} pull request #${done.number}: ${done.url}`);
        pull = { number: done.number, url: done.url, created: done.created };
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
      const { github, repo } = needGitHub(deps, plan, `commenting on #${plan.target}`);
      const target = plan.target;
      const bodySha = sha256Hex(body);
      const effect = { kind: 'publish_comment', repo, target, bodySha } as const;
      // Always run: the comment is found by its marker and brought up to date, never posted twice.
      const done = await step(effect, state, runId, steps, 'commented', async () => {
        const made = await upsertComment(github, repo, target, runId, body, deps, steps);
        return {
          type: 'commented',
          id: made.comment.id,
          url: made.comment.url,
          created: made.created,
          bodySha,
        };
      });
      deps.note(`${done.created ? 'posted' : 'updated'} the run's comment on #${target}: ${done.url}`);
      comment = { id: done.id, url: done.url, created: done.created };
    }
    return { skipped: null, pushed, pull, comment, report: body };
  } finally {
    await steps.close();
  }
}
