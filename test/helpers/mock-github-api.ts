// A loopback server speaking the part of the GitHub REST API that issue and PR comments use, for the real
// @octokit/rest client: read an issue, list (paginated), create and update its comments, list and open pull
// requests, with token checks and injected failures.
import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it; `body` is the parsed JSON, the raw text if it did not parse, or null. */
export interface MockRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: string | null;
  body: unknown;
}

export interface MockComment {
  id: number;
  body: string;
  user: { login: string };
  created_at: string;
  updated_at: string;
  html_url: string;
}

export interface MockGitHub {
  /** Base URL for Octokit (`baseUrl`). */
  url: string;
  /** The only token the server accepts. */
  token: string;
  /** Every request, in order, including rejected ones. */
  requests: MockRequest[];
  /** The pull requests opened through the API, oldest first. */
  pulls(repo: string): MockPull[];
  /** The comments on an issue, oldest first; `repo` is "owner/name". */
  comments(repo: string, issue: number): MockComment[];
  addIssue(
    repo: string,
    issue: number,
    fields: { title: string; body: string | null; pullRequest?: boolean },
  ): void;
  /** A comment already on the issue, written by someone else (`login`, default "octocat"). */
  addComment(repo: string, issue: number, body: string, login?: string): MockComment;
  /** The next `times` requests whose method matches and whose path matches `path` get `status` with a GitHub-shaped error body. */
  failNext(method: string, path: RegExp, status: number, times?: number): void;
  close(): Promise<void>;
}

interface Issue {
  title: string;
  body: string | null;
  pullRequest: boolean;
  comments: MockComment[];
}

const DOCS = 'https://docs.github.com/rest';
const ISSUE = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/;
const COMMENTS = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/;
const COMMENT = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/;
const PULLS = /^\/repos\/([^/]+\/[^/]+)\/pulls$/;

/** A pull request as the mock keeps it (GitHub's shape, trimmed to what a bot reads). */
export interface MockPull {
  number: number;
  title: string;
  body: string | null;
  draft: boolean;
  state: 'open';
  html_url: string;
  head: { ref: string; label: string };
  base: { ref: string };
}

/**
 * Starts the server on 127.0.0.1 with an ephemeral port. Authentication comes first (401 on a missing or wrong
 * token), then injected failures, then routing; anything the mock does not implement is a 404, as on GitHub.
 */
export async function startMockGitHub(opts: { token?: string; login?: string } = {}): Promise<MockGitHub> {
  const token = opts.token ?? `ghs_mocktoken_${randomBytes(8).toString('hex')}`;
  const login = opts.login ?? 'agentctl-bot';
  const issues = new Map<string, Issue>();
  const pulls = new Map<string, MockPull[]>();
  const byId = new Map<number, { comment: MockComment; issue: Issue }>();
  const requests: MockRequest[] = [];
  const faults: Array<{ method: string; path: RegExp; status: number; times: number }> = [];
  let nextId = 1001;
  let ticks = 0;
  let url = '';
  // A clock that moves one second per event, so timestamps are distinct and runs repeatable.
  const now = () => new Date(Date.UTC(2024, 0, 1) + ++ticks * 1000).toISOString().replace('.000Z', 'Z');
  const issueUrl = (repo: string, n: number, issue: Issue) =>
    `${url}/${repo}/${issue.pullRequest ? 'pull' : 'issues'}/${n}`;

  function comment(repo: string, n: number, issue: Issue, body: string, author: string): MockComment {
    const id = nextId++;
    const at = now();
    const c = { id, body, user: { login: author }, created_at: at, updated_at: at, html_url: '' };
    c.html_url = `${issueUrl(repo, n, issue)}#issuecomment-${id}`;
    issue.comments.push(c);
    byId.set(id, { comment: c, issue });
    return c;
  }

  function route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
    res: ServerResponse,
  ) {
    let m: RegExpMatchArray | null;
    if ((m = path.match(ISSUE)) && method === 'GET') {
      const [repo, n] = [m[1]!, Number(m[2])];
      const issue = issues.get(`${repo}#${n}`);
      if (!issue) return fail(res, 404);
      const html_url = issueUrl(repo, n, issue);
      const api = `${url}/repos/${repo}`;
      return send(res, 200, {
        number: n,
        title: issue.title,
        body: issue.body,
        state: 'open',
        html_url,
        user: { login: 'octocat' },
        ...(issue.pullRequest
          ? { pull_request: { url: `${api}/pulls/${n}`, html_url, diff_url: `${html_url}.diff` } }
          : {}),
      });
    }
    if ((m = path.match(COMMENTS)) && (method === 'GET' || method === 'POST')) {
      const [repo, n] = [m[1]!, Number(m[2])];
      const issue = issues.get(`${repo}#${n}`);
      if (!issue) return fail(res, 404);
      if (method === 'POST') {
        if (!isBody(body)) return invalid(res, 'IssueComment');
        return send(res, 201, comment(repo, n, issue, body.body, login));
      }
      const perPage = Math.min(100, Math.max(1, Number(query.per_page) || 30));
      const page = Math.max(1, Number(query.page) || 1);
      const last = Math.max(1, Math.ceil(issue.comments.length / perPage));
      const link = (p: number, rel: string) => `<${url}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links = [
        ...(page > 1 ? [link(page - 1, 'prev')] : []),
        ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
        ...(page > 1 ? [link(1, 'first')] : []),
      ];
      const items = issue.comments.slice((page - 1) * perPage, page * perPage);
      return send(res, 200, items, links.length > 0 ? { link: links.join(', ') } : {});
    }
    if ((m = path.match(PULLS)) && (method === 'GET' || method === 'POST')) {
      const repo = m[1]!;
      const owner = repo.split('/')[0]!;
      const list = pulls.get(repo) ?? [];
      if (method === 'GET') {
        const head = query.head;
        return send(res, 200, head === undefined ? list : list.filter((p) => p.head.label === head));
      }
      const b = body as { title?: unknown; head?: unknown; base?: unknown; body?: unknown; draft?: unknown };
      if (typeof b?.title !== 'string' || typeof b.head !== 'string' || typeof b.base !== 'string')
        return invalid(res, 'PullRequest');
      const label = b.head.includes(':') ? b.head : `${owner}:${b.head}`;
      if (list.some((p) => p.head.label === label && p.base.ref === b.base)) {
        const errors = [
          { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${label}.` },
        ];
        return send(res, 422, {
          message: 'Validation Failed',
          errors,
          documentation_url: DOCS,
          status: '422',
        });
      }
      // Pull requests and issues share one sequence of numbers, as on GitHub.
      const taken = [...issues.keys()]
        .filter((k) => k.startsWith(`${repo}#`))
        .map((k) => Number(k.split('#')[1]));
      const number = Math.max(100, ...taken) + 1;
      const issue: Issue = {
        title: b.title,
        body: typeof b.body === 'string' ? b.body : null,
        pullRequest: true,
        comments: [],
      };
      issues.set(`${repo}#${number}`, issue);
      const pull: MockPull = {
        number,
        title: b.title,
        body: issue.body,
        draft: b.draft === true,
        state: 'open',
        html_url: issueUrl(repo, number, issue),
        head: { ref: label.split(':')[1]!, label },
        base: { ref: b.base },
      };
      pulls.set(repo, [...list, pull]);
      return send(res, 201, pull);
    }
    if ((m = path.match(COMMENT)) && method === 'PATCH') {
      const found = byId.get(Number(m[2]));
      if (!found) return fail(res, 404);
      if (!isBody(body)) return invalid(res, 'IssueComment');
      found.comment.body = body.body;
      found.comment.updated_at = now();
      return send(res, 200, found.comment);
    }
    return fail(res, 404);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      let malformed = false;
      if (raw.trim() !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          [body, malformed] = [raw, true];
        }
      }
      const auth = req.headers.authorization ?? null;
      const query = Object.fromEntries(parsed.searchParams);
      requests.push({ method, path: parsed.pathname, query, auth, body });
      if (/^(?:token|bearer) (.*)$/i.exec(auth ?? '')?.[1] !== token)
        return send(res, 401, { message: 'Bad credentials', documentation_url: DOCS });
      const fault = faults.find((f) => f.method === method && f.path.test(parsed.pathname));
      if (fault) {
        if (--fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
        return fail(res, fault.status);
      }
      if (malformed) return send(res, 400, { message: 'Problems parsing JSON', documentation_url: DOCS });
      route(method, parsed.pathname, query, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    requests,
    pulls: (repo) => pulls.get(repo) ?? [],
    comments: (repo, issue) => issues.get(`${repo}#${issue}`)?.comments ?? [],
    addIssue: (repo, n, fields) =>
      void issues.set(`${repo}#${n}`, {
        title: fields.title,
        body: fields.body,
        pullRequest: fields.pullRequest ?? false,
        comments: [],
      }),
    addComment: (repo, n, body, author = 'octocat') => {
      const issue = issues.get(`${repo}#${n}`);
      if (!issue) throw new Error(`mock GitHub: no issue ${repo}#${n}; addIssue it first`);
      return comment(repo, n, issue, body, author);
    },
    failNext: (method, path, status, times = 1) =>
      void faults.push({ method: method.toUpperCase(), path, status, times }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isBody(body: unknown): body is { body: string } {
  return typeof body === 'object' && body !== null && typeof (body as { body?: unknown }).body === 'string';
}

function send(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(json));
}

/** An error body the way GitHub writes one: its reason phrase and a documentation link. */
function fail(res: ServerResponse, status: number) {
  const message = status === 404 ? 'Not Found' : (STATUS_CODES[status] ?? 'Error');
  send(res, status, { message, documentation_url: DOCS, status: String(status) });
}

function invalid(res: ServerResponse, resource: string) {
  const errors = [{ resource, code: 'missing_field', field: 'body' }];
  send(res, 422, { message: 'Validation Failed', errors, documentation_url: DOCS, status: '422' });
}
