import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { dataBlock } from '../core/data-block.js';

/** What a `ci fix` run works on and where it reports. */
export interface FixRequest {
  /** The task the run is given; text from GitHub is wrapped as data, never passed as instructions. */
  task: string;
  source: 'argument' | 'issue' | 'comment' | 'check' | 'dispatch';
  /** owner/name, or null when nothing names it. */
  repo: string | null;
  /** The issue or pull request to comment on, or null. */
  target: number | null;
}

/** What an event payload contributes; the command line and the API fill in the rest. */
export interface EventFacts {
  event: string;
  repo: string | null;
  target: number | null;
  task: string | null;
  source: FixRequest['source'] | null;
  /** A number whose text must be fetched from the API (workflow_dispatch with only an issue number). */
  fetchIssue: number | null;
  /** A short human title for a pull request (the issue's title, the failed check's name). */
  title: string | null;
  /** True when the target is an issue (a merged fix closes it), false for a pull request. */
  targetIsIssue: boolean;
  /** The branch a fix should go into: the failing pull request's branch, else the repository's default. */
  baseBranch: string | null;
}

const Issue = z.looseObject({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullish(),
  pull_request: z.unknown().optional(),
});
const PullRefs = z.array(z.looseObject({ number: z.number().int().positive() })).optional();
const Payload = z.looseObject({
  repository: z.looseObject({ full_name: z.string(), default_branch: z.string().optional() }).optional(),
  issue: Issue.optional(),
  comment: z.looseObject({ body: z.string().nullish() }).optional(),
  pull_request: z.looseObject({ number: z.number().int().positive() }).optional(),
  check_run: z
    .looseObject({
      name: z.string(),
      conclusion: z.string().nullish(),
      head_sha: z.string().optional(),
      output: z.looseObject({ title: z.string().nullish(), summary: z.string().nullish() }).optional(),
      check_suite: z.looseObject({ head_branch: z.string().nullish() }).optional(),
      pull_requests: PullRefs,
    })
    .optional(),
  workflow_run: z
    .looseObject({
      name: z.string().nullish(),
      conclusion: z.string().nullish(),
      head_branch: z.string().nullish(),
      head_sha: z.string().optional(),
      html_url: z.string().optional(),
      pull_requests: PullRefs,
    })
    .optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

/** The words after `/agentctl fix` in a comment, or null when the comment does not ask for a fix. */
export function commandInComment(body: string): string | null {
  const match = /^\s*\/agentctl\s+fix\b(.*)$/ims.exec(body);
  return match === null ? null : match[1]!.trim();
}

/** The task for an issue: our sentence, the issue's own words as data. */
export function issueTask(number: number, title: string, body: string, request?: string): string {
  const parts = [
    `Resolve GitHub issue #${number}. Its title and text follow as data written by whoever opened it.`,
    dataBlock(`issue #${number} title`, title),
  ];
  if (body.trim() !== '') parts.push(dataBlock(`issue #${number} body`, body));
  if (request !== undefined && request !== '')
    parts.push(dataBlock(`comment on #${number} asking for the fix`, request));
  return parts.join('\n');
}

function positive(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** Reads the facts `ci fix` needs from a GitHub Actions event payload. */
export function factsFromEvent(eventName: string, raw: unknown): EventFacts {
  const parsed = Payload.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(
      `the event payload does not look like a GitHub event: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      'ci fix reads $GITHUB_EVENT_PATH; unset it or pass the task as an argument.',
    );
  }
  const p = parsed.data;
  const facts: EventFacts = {
    event: eventName,
    repo: p.repository?.full_name ?? null,
    target: null,
    task: null,
    source: null,
    fetchIssue: null,
    title: null,
    targetIsIssue: false,
    baseBranch: p.repository?.default_branch ?? null,
  };
  if (p.issue !== undefined) {
    facts.target = p.issue.number;
    facts.title = `fix #${p.issue.number}: ${p.issue.title}`;
    facts.targetIsIssue = p.issue.pull_request === undefined || p.issue.pull_request === null;
    const asked = p.comment !== undefined ? commandInComment(p.comment.body ?? '') : undefined;
    if (asked === null) return facts; // a comment that is not addressed to agentctl
    facts.task = issueTask(p.issue.number, p.issue.title, p.issue.body ?? '', asked);
    facts.source = p.comment !== undefined ? 'comment' : 'issue';
    return facts;
  }
  const check = p.check_run;
  const run = p.workflow_run;
  if (check !== undefined || run !== undefined) {
    const prs = check?.pull_requests ?? run?.pull_requests ?? [];
    facts.target = prs[0]?.number ?? null;
    const conclusion = check?.conclusion ?? run?.conclusion ?? null;
    if (conclusion !== 'failure') return facts;
    const name = check?.name ?? run?.name ?? 'a check';
    const sha = check?.head_sha ?? run?.head_sha ?? 'the head commit';
    facts.title = `make "${name}" pass`;
    facts.baseBranch = run?.head_branch ?? check?.check_suite?.head_branch ?? facts.baseBranch;
    const parts = [
      `The check "${name}" fails at ${sha}${run?.head_branch ? ` on branch ${run.head_branch}` : ''}. ` +
        'Find the behavior that makes it fail, show it with a test that fails for that reason, then fix it.',
    ];
    const output = [check?.output?.title, check?.output?.summary].filter((s) => s != null && s !== '');
    if (output.length > 0) parts.push(dataBlock(`output of check ${name}`, output.join('\n\n')));
    facts.task = parts.join('\n');
    facts.source = 'check';
    return facts;
  }
  if (p.pull_request !== undefined) facts.target = p.pull_request.number;
  if (p.inputs !== undefined) {
    const task = p.inputs.task;
    if (typeof task === 'string' && task.trim() !== '') {
      facts.task = task.trim();
      facts.source = 'dispatch';
    }
    facts.target = positive(p.inputs.pr) ?? positive(p.inputs.issue) ?? facts.target;
    facts.targetIsIssue = positive(p.inputs.pr) === null && positive(p.inputs.issue) !== null;
    if (facts.task === null) facts.fetchIssue = positive(p.inputs.issue);
  }
  return facts;
}

/** Reads $GITHUB_EVENT_PATH when set; a missing or unreadable file is an error that names it. */
export async function readEvent(env: NodeJS.ProcessEnv): Promise<EventFacts | null> {
  const file = env.GITHUB_EVENT_PATH;
  if (file === undefined || file === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(
      `cannot read the event payload ${file}: ${(err as Error).message}`,
      'GITHUB_EVENT_PATH must name the JSON event file Actions writes; unset it to run outside Actions.',
    );
  }
  return factsFromEvent(env.GITHUB_EVENT_NAME ?? '', raw);
}
