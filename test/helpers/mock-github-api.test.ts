import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockGitHub, type MockGitHub } from './mock-github-api.js';

const owner = 'acme';
const repo = 'widgets';

// Octokit logs every failed request; these tests fail requests on purpose.
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

let gh: MockGitHub;
let octokit: Octokit;
beforeEach(async () => {
  gh = await startMockGitHub();
  gh.addIssue('acme/widgets', 7, { title: 'Fix the flaky test', body: 'It fails on Tuesdays.' });
  octokit = new Octokit({ auth: gh.token, baseUrl: gh.url, log: quiet });
});
afterEach(() => gh.close());

/** The error a call rejects with; Octokit's RequestError is named HttpError. */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; status: number }> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ name: 'HttpError' });
  return err as { name: string; status: number };
}

describe('mock GitHub API through @octokit/rest', () => {
  it('reads an issue, and a pull request carries pull_request', async () => {
    const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: 7 });
    expect(data).toMatchObject({ number: 7, title: 'Fix the flaky test', body: 'It fails on Tuesdays.' });
    expect(data.pull_request).toBeUndefined();
    gh.addIssue('acme/widgets', 8, { title: 'Add retries', body: null, pullRequest: true });
    const pr = await octokit.rest.issues.get({ owner, repo, issue_number: 8 });
    expect(pr.data.body).toBeNull();
    expect(pr.data.pull_request).toBeDefined();
  });

  it('creates, lists and updates a comment as the bot', async () => {
    gh.addComment('acme/widgets', 7, 'Same here.', 'alice');
    const created = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 7,
      body: 'Working on it.',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ id: 1002, body: 'Working on it.', user: { login: 'agentctl-bot' } });
    expect(created.data.html_url).toBe(`${gh.url}/acme/widgets/issues/7#issuecomment-1002`);

    const listed = await octokit.rest.issues.listComments({ owner, repo, issue_number: 7 });
    expect(listed.data.map((c) => [c.user?.login, c.body])).toEqual([
      ['alice', 'Same here.'],
      ['agentctl-bot', 'Working on it.'],
    ]);

    const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id: 1002, body: 'Done.' });
    expect(updated.data.body).toBe('Done.');
    expect(updated.data.updated_at).not.toBe(created.data.updated_at);
    expect(gh.comments('acme/widgets', 7).map((c) => c.body)).toEqual(['Same here.', 'Done.']);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/acme/widgets/issues/7/comments',
      'GET /repos/acme/widgets/issues/7/comments',
      'PATCH /repos/acme/widgets/issues/comments/1002',
    ]);
    expect(gh.requests[0]!.auth).toBe(`token ${gh.token}`);
  });

  it('paginate follows Link headers across pages, in order', async () => {
    for (let i = 1; i <= 5; i++) gh.addComment('acme/widgets', 7, `comment ${i}`);
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: 7,
      per_page: 2,
    });
    expect(all.map((c) => c.body)).toEqual(['comment 1', 'comment 2', 'comment 3', 'comment 4', 'comment 5']);
    expect(gh.requests.map((r) => r.query.page)).toEqual([undefined, '2', '3']);

    const middle = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: 7,
      per_page: 2,
      page: 2,
    });
    const base = `${gh.url}/repos/acme/widgets/issues/7/comments?per_page=2`;
    expect(middle.headers.link).toBe(
      `<${base}&page=1>; rel="prev", <${base}&page=3>; rel="next", <${base}&page=3>; rel="last", <${base}&page=1>; rel="first"`,
    );
  });

  it('rejects a wrong token with 401 Bad credentials', async () => {
    const stranger = new Octokit({ auth: 'ghs_wrong', baseUrl: gh.url, log: quiet });
    const err = await rejection(stranger.rest.issues.get({ owner, repo, issue_number: 7 }));
    expect(err.status).toBe(401);
    expect(err).toMatchObject({ response: { data: { message: 'Bad credentials' } } });
    expect(gh.requests[0]!.auth).toBe('token ghs_wrong');
    const anonymous = new Octokit({ baseUrl: gh.url, log: quiet });
    expect((await rejection(anonymous.rest.issues.get({ owner, repo, issue_number: 7 }))).status).toBe(401);
  });

  it('answers 404 for an unknown issue or comment and 422 for a missing body', async () => {
    expect((await rejection(octokit.rest.issues.get({ owner, repo, issue_number: 99 }))).status).toBe(404);
    const list = octokit.rest.issues.listComments({ owner: 'acme', repo: 'other', issue_number: 7 });
    expect((await rejection(list)).status).toBe(404);
    const update = octokit.rest.issues.updateComment({ owner, repo, comment_id: 5, body: 'x' });
    expect((await rejection(update)).status).toBe(404);
    const bad = octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner,
      repo,
      issue_number: 7,
      body: 42 as unknown as string,
    });
    expect(await rejection(bad)).toMatchObject({
      status: 422,
      response: { data: { message: 'Validation Failed' } },
    });
  });

  it('failNext fails exactly the next matching call, then the API works again', async () => {
    gh.failNext('POST', /\/issues\/7\/comments$/, 502);
    // A non-matching call is not consumed by the fault.
    await octokit.rest.issues.get({ owner, repo, issue_number: 7 });
    const err = await rejection(
      octokit.rest.issues.createComment({ owner, repo, issue_number: 7, body: 'a' }),
    );
    expect(err.status).toBe(502);
    expect(gh.comments('acme/widgets', 7)).toEqual([]);
    const ok = await octokit.rest.issues.createComment({ owner, repo, issue_number: 7, body: 'b' });
    expect(ok.status).toBe(201);
    expect(gh.comments('acme/widgets', 7).map((c) => c.body)).toEqual(['b']);
  });
});
