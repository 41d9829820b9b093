import { access, appendFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { isRunId, RUN_ID_RULE } from '../../journal/run-id.js';
import type { Config } from '../../policy/config-schema.js';
import { teach } from '../help.js';
import type { CliIO } from '../io.js';

/** `agentctl ci fix` flags (commander turns --no-push / --no-comment into push/comment false). */
export interface CiFixFlags {
  model?: string;
  repo?: string;
  issue?: number;
  pr?: number;
  remote: string;
  push: boolean;
  comment: boolean;
  runId?: string;
  maxLines?: number;
  json?: boolean;
  /** true: open a pull request into the detected base branch; a string: into that branch. */
  openPr?: boolean | string;
}

function whole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function runIdOption(value: string): string {
  if (!isRunId(value)) throw new InvalidArgumentError(RUN_ID_RULE);
  return value;
}

/** The page of this workflow run, when Actions says where it is. */
function workflowRunUrl(env: NodeJS.ProcessEnv): string | null {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  if (!server || !repo || !id) return null;
  const attempt = env.GITHUB_RUN_ATTEMPT;
  return `${server}/${repo}/actions/runs/${id}${attempt ? `/attempts/${attempt}` : ''}`;
}

function githubToken(env: NodeJS.ProcessEnv): string | null {
  return env.GITHUB_TOKEN || env.GH_TOKEN || null;
}

/**
 * Publishes a `ci fix` run (push + its one comment) if its journal planned it; used by `ci fix` and by
 * `agentctl resume`. Returns an exit code for a publishing failure, or null when all went well.
 */
export async function publishPlanned(
  root: string,
  runId: string,
  io: CliIO,
  out: { note: (line: string) => void; json: boolean },
): Promise<number | null> {
  const [{ publishRun }, { octokitClient, PublishError }] = await Promise.all([
    import('../../ci/publish.js'),
    import('../../ci/github.js'),
  ]);
  const token = githubToken(io.env);
  try {
    const published = await publishRun(root, runId, {
      github:
        token === null ? null : await octokitClient(token, io.env.GITHUB_API_URL || 'https://api.github.com'),
      note: (line) => out.note(line),
      now: () => new Date(),
      runUrl: workflowRunUrl(io.env),
    });
    if (published.skipped !== null && !out.json) out.note(`not published: ${published.skipped}`);
    const summary = io.env.GITHUB_STEP_SUMMARY;
    if (published.report !== null && summary)
      await appendFile(summary, `${published.report}\n`).catch((err: Error) =>
        out.note(`cannot append to GITHUB_STEP_SUMMARY (${summary}): ${err.message}`),
      );
    if (out.json) {
      const { report: _report, ...rest } = published;
      io.stdout.write(`${JSON.stringify({ type: 'published', runId, ...rest })}\n`);
    }
    return null;
  } catch (err) {
    if (!(err instanceof PublishError) && !(err instanceof UsageError)) throw err;
    io.stderr.write(`agentctl ci fix: ${err.message}\n`);
    if (err.hint) io.stderr.write(`  ${err.hint}\n`);
    return err.exitCode;
  }
}

/** What `ci fix` works on and where it reports, from the command line, the API and the event. */
interface Resolved {
  task: string | null;
  why: string;
  repo: string | null;
  target: number | null;
  /** For a pull request: its title, the issue it closes, and the branch it goes into (if known). */
  title: string | null;
  closes: number | null;
  baseBranch: string | null;
}

function describePlan(plan: {
  repo: string | null;
  target: number | null;
  remote: string | null;
  pullBase: string | null;
}): string {
  return [
    plan.remote !== null ? `push to ${plan.remote}` : 'no push',
    plan.pullBase !== null ? `pull request into ${plan.pullBase}` : 'no pull request',
    plan.target !== null ? `comment on ${plan.repo ?? '?'}#${plan.target}` : 'no comment',
  ].join(', ');
}

/** Where the task comes from: the argument, an issue fetched by number, or the Actions event. */
async function resolveRequest(task: string | undefined, flags: CiFixFlags, io: CliIO): Promise<Resolved> {
  const { readEvent, issueTask } = await import('../../ci/fix-request.js');
  const event = task === undefined || flags.pr === undefined ? await readEvent(io.env) : null;
  const repo = flags.repo ?? (io.env.GITHUB_REPOSITORY || null) ?? event?.repo ?? null;
  const target = flags.pr ?? flags.issue ?? event?.target ?? null;
  const fromEvent = {
    repo,
    target,
    title: event?.title ?? null,
    closes: flags.pr === undefined && event?.targetIsIssue === true ? target : null,
    baseBranch: event?.baseBranch ?? null,
  };
  if (task !== undefined && task.trim() !== '')
    return {
      ...fromEvent,
      task: task.trim(),
      why: 'argument',
      title: task.trim().split('\n')[0]!.slice(0, 60),
      closes: flags.issue ?? fromEvent.closes,
    };
  const fetch = flags.issue ?? event?.fetchIssue ?? null;
  if (fetch !== null) {
    const token = githubToken(io.env);
    if (repo === null || token === null)
      throw new UsageError(
        `reading issue #${fetch} needs ${repo === null ? 'the repository name (--repo owner/name)' : 'GITHUB_TOKEN'}.`,
        'Or pass the task as an argument: agentctl ci fix "<task>"',
      );
    const { octokitClient } = await import('../../ci/github.js');
    const github = await octokitClient(token, io.env.GITHUB_API_URL || 'https://api.github.com');
    const issue = await github.getIssue(repo, fetch);
    return {
      ...fromEvent,
      task: issueTask(fetch, issue.title, issue.body),
      why: `issue #${fetch}`,
      title: `fix #${fetch}: ${issue.title}`,
      closes: issue.isPullRequest ? null : fetch,
    };
  }
  if (event !== null && event.task !== null)
    return { ...fromEvent, task: event.task, why: `${event.event || 'event'} ${event.source}` };
  if (event !== null)
    return {
      ...fromEvent,
      task: null,
      why: `the ${event.event || 'GitHub'} event asks for nothing to fix (no "/agentctl fix" comment, no failed check)`,
    };
  throw new UsageError(
    'ci fix needs a task.',
    'Pass it as an argument (agentctl ci fix "<task>"), name an issue (--issue 12), or run it in Actions on an\n' +
      '  issues, issue_comment ("/agentctl fix …"), check_run, workflow_run or workflow_dispatch event.',
  );
}

/**
 * `agentctl ci fix`: a gated run with no human at the keyboard. GREEN patches under the size limit are approved by
 * policy; the commit is pushed to `agentctl/<run-id>` and one comment on the issue or pull request reports the
 * outcome. A run id already journaled here is continued (and its comment updated), never started twice.
 */
export async function ciFixCommand(task: string | undefined, flags: CiFixFlags, io: CliIO): Promise<number> {
  // Loaded here, not at start, so `agentctl --help` stays fast.
  const [{ currentBranch }, { journalPath }, { readJournal }, { foldJournal }, setup] = await Promise.all([
    import('../../git/repo.js'),
    import('../../journal/run-store.js'),
    import('../../journal/journal-file.js'),
    import('../../runtime/fold.js'),
    import('../../runtime/run-setup.js'),
  ]);
  const [{ reportOutcome }, { runSurface }] = await Promise.all([
    import('../outcome.js'),
    import('../run-surface.js'),
  ]);
  const pinned = setup.pinnedRunId(io.env);
  const root = await setup.runRoot(io.cwd);
  const maxLines = flags.maxLines;
  const adjust = (c: Config): Config =>
    maxLines === undefined ? c : { ...c, approval: { ...c.approval, maxAutoApproveLines: maxLines } };
  const config = await setup.runConfig(root, { adjust });
  const request = await resolveRequest(task, flags, io);
  const surface = runSurface(io, config, {
    json: flags.json ?? false,
    yes: true,
    approvedBy: 'policy (ci fix)',
  });
  const note = (line: string) => (flags.json ? undefined : surface.out(surface.style.dim(`  ${line}`)));
  try {
    if (request.task === null) {
      if (flags.json) surface.out(JSON.stringify({ type: 'result', exitCode: 0, skipped: request.why }));
      else surface.out(`Nothing to fix: ${request.why}.`);
      return 0;
    }
    const gh = io.env.GITHUB_RUN_ID;
    const runId =
      flags.runId ??
      pinned ??
      (gh && /^\d+$/.test(gh) ? `gh-${gh}${request.target !== null ? `-${request.target}` : ''}` : undefined);
    const existing =
      runId !== undefined &&
      (await access(journalPath(root, runId)).then(
        () => true,
        () => false,
      ));
    const target = flags.comment ? request.target : null;
    if (flags.comment && target === null && !flags.json)
      surface.out(surface.style.dim('  no issue or pull request to comment on (pass --pr N or --issue N)'));
    if (target !== null && githubToken(io.env) === null)
      throw new UsageError(
        `commenting on #${target} needs a GitHub token, and GITHUB_TOKEN is not set.`,
        'In a workflow: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}; or pass --no-comment.',
      );
    let pullBase: string | null = null;
    if (flags.openPr !== undefined && flags.openPr !== false) {
      if (!flags.push) throw new UsageError('--open-pr needs the branch pushed; drop --no-push.');
      pullBase =
        typeof flags.openPr === 'string'
          ? flags.openPr
          : (request.baseBranch ?? ((await currentBranch(root)) || null));
      if (pullBase === null)
        throw new UsageError(
          'cannot tell which branch the pull request should go into (HEAD is detached).',
          'Name it: --open-pr main',
        );
      if (githubToken(io.env) === null)
        throw new UsageError('--open-pr needs a GitHub token, and GITHUB_TOKEN is not set.');
      if (request.repo === null)
        throw new UsageError('--open-pr needs the repository name.', 'Pass --repo owner/name.');
    }
    const plan = {
      repo: request.repo,
      target,
      remote: flags.push ? flags.remote : null,
      pullBase,
      pullTitle: request.title === null ? null : `agentctl: ${request.title}`,
      closes: request.closes,
    };
    if (target !== null && plan.repo === null)
      throw new UsageError(
        `commenting on #${target} needs the repository name.`,
        'Pass --repo owner/name (Actions sets GITHUB_REPOSITORY).',
      );

    let result;
    if (existing) {
      // A retried job (or a second invocation) continues the journaled run: nothing is done twice.
      const folded = foldJournal((await readJournal(journalPath(root, runId))).entries);
      const { model } = await setup.runModel({
        spec: flags.model ?? folded.modelSpec ?? folded.ctx.config.model,
        cwd: io.cwd,
        env: io.env,
        config: await setup.runConfig(root, { resume: folded.ctx, adjust }),
        onRetry: surface.onModelRetry,
      });
      if (!flags.json) surface.out(surface.style.bold(`agentctl ci fix · continuing run ${runId}`));
      // The run publishes where it was planned to when it started; say so if this invocation asks otherwise.
      const { canonicalJson } = await import('../../journal/canonical.js');
      const { PublishPlan } = await import('../../ci/publish.js');
      const planned = PublishPlan.safeParse(folded.publish);
      if (planned.success && canonicalJson(planned.data) !== canonicalJson(PublishPlan.parse(plan)))
        io.stderr.write(
          `agentctl ci fix: run ${runId} keeps the publishing it started with (${describePlan(planned.data)}); ` +
            'flags that differ apply to a new run id (--run-id).\n',
        );
      const { resumeRun } = await import('../../runtime/resume.js');
      result = await resumeRun(io.cwd, runId, { model, ...surface.session });
    } else {
      const { model, modelSpec } = await setup.runModel({
        spec: flags.model ?? config.model,
        cwd: io.cwd,
        env: io.env,
        config,
        onRetry: surface.onModelRetry,
      });
      if (!flags.json) surface.out(surface.style.bold(`agentctl ci fix · ${request.why}`));
      const { startFix } = await import('../../runtime/session.js');
      result = await startFix(root, request.task, {
        model,
        ...(modelSpec !== undefined ? { modelSpec } : {}),
        ...surface.session,
        config,
        publish: plan,
        ...(runId !== undefined ? { runId } : {}),
      });
    }
    surface.idle();
    if (result.paused === 'interrupted') return reportOutcome(result, flags.json === true, surface.style, io);
    const failed = await publishPlanned(root, result.ctx.runId, io, { note, json: flags.json === true });
    const code = reportOutcome(result, flags.json === true, surface.style, io);
    return failed ?? code;
  } finally {
    surface.dispose();
  }
}

/** Adds `fix` under the `ci` command. */
export function registerCiFix(ci: Command, io: CliIO, result: { code: number }): void {
  ci.command('fix')
    .summary('a gated fix with no human at the keyboard: push a branch, keep one comment on the PR or issue')
    .description(
      'Run one gated fix in CI. The task is the argument, an issue (--issue N, or an issues event, or an ' +
        'issue_comment event whose comment starts with "/agentctl fix"), or a failed check (check_run or ' +
        'workflow_run event), read from $GITHUB_EVENT_PATH. GREEN patches up to approval.maxAutoApproveLines ' +
        'changed lines are approved by policy, committed and pushed to agentctl/<run-id>; larger ones are posted ' +
        'for a human and not committed. Each run keeps one comment, found again by a hidden marker, so a retried, ' +
        'resumed or re-run job updates it. GITHUB_TOKEN is used by agentctl alone; tests run in the sandbox without it.',
    )
    .argument('[task]', 'what to fix; omit it to take the task from --issue or the Actions event')
    .option(
      '-m, --model <spec>',
      'model: anthropic:<name>, openai:<name>, ollama:<name>, openai-compatible:<name> or scripted:<file> (default: the config)',
    )
    .option('--repo <owner/name>', 'repository to comment in (default: $GITHUB_REPOSITORY)')
    .option('--issue <n>', 'take the task from this issue and comment on it', whole)
    .option('--pr <n>', 'comment on this pull request', whole)
    .option('--remote <name>', 'git remote to push the branch to', 'origin')
    .option('--no-push', 'commit locally only')
    .option('--no-comment', 'do not comment (no token needed)')
    .option(
      '--open-pr [base]',
      "open a pull request from the pushed branch (default base: the failing PR's branch, else the current one)",
    )
    .option(
      '--run-id <id>',
      'run id (default: gh-<GITHUB_RUN_ID>[-<number>], so a re-run finds its run)',
      runIdOption,
    )
    .option('--max-lines <n>', 'auto-approve GREEN patches up to this many changed lines', whole)
    .option('--json', 'print every journal event as one JSON line, then published and result lines')
    .action(async (task: string | undefined, flags: CiFixFlags) => {
      result.code = await ciFixCommand(task, flags, io);
    });
  teach(ci.commands.at(-1)!, {
    examples: [
      ['agentctl ci fix --issue 42', 'the task is the issue; the result is commented there'],
      ['agentctl ci fix "total() ignores discounts" --pr 7 --max-lines 40', ''],
    ],
    env: [
      'GITHUB_TOKEN',
      'GH_TOKEN',
      'GITHUB_REPOSITORY',
      'GITHUB_EVENT_PATH',
      'GITHUB_EVENT_NAME',
      'GITHUB_RUN_ID',
      'GITHUB_API_URL',
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_BASE_URL',
    ],
    exitCodes:
      '0 committed (and published) · 1 gate failed · 2 usage, config or publishing\n' +
      'error · 3 escalated, or a GREEN patch left for a human · 4 budget exhausted\n' +
      '130 interrupted · 70 internal error',
    more: 'See docs/ci.md for the workflows.\n',
  });
}
