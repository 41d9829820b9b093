import { AgentctlError, ExitCode } from '../errors.js';

/** A failure to reach or use the GitHub API; the run itself is journaled and publishing can be redone. */
export class PublishError extends AgentctlError {
  /** A server error or a dropped connection: the same call may succeed if tried again. */
  readonly retryable: boolean;
  constructor(message: string, hint?: string, retryable = false) {
    super('E_PUBLISH', message, ExitCode.usage, hint);
    this.retryable = retryable;
  }
}

/** One issue or pull-request comment, as much of it as the bot reads. */
export interface IssueComment {
  id: number;
  body: string;
  url: string;
}

/** The few GitHub REST calls `ci fix` makes; the Octokit implementation is below. */
export interface GitHubClient {
  getIssue(repo: string, issue: number): Promise<{ title: string; body: string; isPullRequest: boolean }>;
  listComments(repo: string, issue: number): Promise<IssueComment[]>;
  createComment(repo: string, issue: number, body: string): Promise<IssueComment>;
  updateComment(repo: string, id: number, body: string): Promise<IssueComment>;
  /** The pull request (open or closed) whose head is `branch` of this repository, or null. */
  findPull(repo: string, branch: string): Promise<PullRef | null>;
  createPull(
    repo: string,
    pull: { title: string; head: string; base: string; body: string },
  ): Promise<PullRef>;
}

export interface PullRef {
  number: number;
  url: string;
}

function split(repo: string): { owner: string; repo: string } {
  const [owner, name] = repo.split('/');
  if (owner === undefined || name === undefined || owner === '' || name === '')
    throw new PublishError(`"${repo}" is not a repository name.`, 'Use owner/name, e.g. --repo acme/shop');
  return { owner, repo: name };
}

/** Turns an Octokit failure into a message that names the call, the status and what to change. */
function explain(what: string, err: unknown): PublishError {
  const status = (err as { status?: number }).status;
  const message = (err as Error).message ?? String(err);
  if (status === 401)
    return new PublishError(
      `GitHub refused the token while trying to ${what} (401).`,
      'Check GITHUB_TOKEN: in a workflow pass `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`.',
    );
  if (status === 403 || status === 404)
    return new PublishError(
      `GitHub answered ${status} while trying to ${what}: ${message}`,
      'The token needs `issues: write` and `pull-requests: write` permissions, and the repository and number must exist.',
    );
  return new PublishError(
    `cannot ${what}: ${status !== undefined ? `GitHub answered ${status}: ` : ''}${message}`,
    'The run is journaled; publish again with `agentctl resume <run-id>` (nothing is posted twice).',
    status === undefined || status === 429 || status >= 500,
  );
}

/**
 * The GitHub client on Octokit (loaded on demand: only `ci fix` needs it). `baseUrl` is GITHUB_API_URL in
 * Actions (GitHub Enterprise sets it), api.github.com otherwise. The token lives only in this process.
 */
export async function octokitClient(token: string, baseUrl: string): Promise<GitHubClient> {
  const { Octokit } = await import('@octokit/rest');
  const octokit = new Octokit({
    auth: token,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    userAgent: 'agentctl',
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw explain(what, err);
    }
  };
  const toComment = (c: { id: number; body?: string | undefined; html_url: string }): IssueComment => ({
    id: c.id,
    body: c.body ?? '',
    url: c.html_url,
  });
  return {
    getIssue: (repo, issue) =>
      call(`read issue #${issue} of ${repo}`, async () => {
        const { data } = await octokit.rest.issues.get({ ...split(repo), issue_number: issue });
        return {
          title: data.title,
          body: data.body ?? '',
          isPullRequest: data.pull_request !== undefined && data.pull_request !== null,
        };
      }),
    listComments: (repo, issue) =>
      call(`list the comments of #${issue} in ${repo}`, async () => {
        const all = await octokit.paginate(octokit.rest.issues.listComments, {
          ...split(repo),
          issue_number: issue,
          per_page: 100,
        });
        return all.map(toComment);
      }),
    createComment: (repo, issue, body) =>
      call(`comment on #${issue} in ${repo}`, async () => {
        const { data } = await octokit.rest.issues.createComment({
          ...split(repo),
          issue_number: issue,
          body,
        });
        return toComment(data);
      }),
    findPull: (repo, branch) =>
      call(`look for a pull request from ${branch} in ${repo}`, async () => {
        const { owner, repo: name } = split(repo);
        const { data } = await octokit.rest.pulls.list({
          owner,
          repo: name,
          head: `${owner}:${branch}`,
          state: 'all',
        });
        const found = data[0];
        return found === undefined ? null : { number: found.number, url: found.html_url };
      }),
    createPull: (repo, pull) =>
      call(`open a pull request from ${pull.head} into ${pull.base} in ${repo}`, async () => {
        const { title, head, base, body } = pull;
        const { data } = await octokit.rest.pulls.create({ ...split(repo), title, head, base, body });
        return { number: data.number, url: data.html_url };
      }),
    updateComment: (repo, id, body) =>
      call(`update comment ${id} in ${repo}`, async () => {
        const { data } = await octokit.rest.issues.updateComment({ ...split(repo), comment_id: id, body });
        return toComment(data);
      }),
  };
}
