// A loopback server speaking enough of the OpenAI Chat Completions API for the openai SDK: scripted replies and
// injected faults (429, 5xx, slow, dropped and stalled streams, Ollama's index-0 parallel calls). It mirrors the
// loopback Messages API, and takes the same replies, so one fault script drives either provider.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockCall, MockReply } from './messages-api-server.js';

/** A turn streamed as Ollama streams parallel calls: each call whole, in one chunk, every one at `index: 0`. */
export type IndexZeroTurn = Extract<MockReply, { kind: 'turn' }> & { allAtIndexZero: true };

/** What the mock answers one request with: any reply of the Messages API mock, or an index-0 turn. */
export type ChatMockReply = MockReply | IndexZeroTurn;

/** A turn whose tool calls all stream at `index: 0`, as Ollama sends them. */
export function indexZeroTurn(text: string | undefined, ...calls: MockCall[]): IndexZeroTurn {
  return { kind: 'turn', ...(text === undefined ? {} : { text }), calls, allAtIndexZero: true };
}

/** The parts of a Chat Completions body the mock reads. */
export interface ChatBody {
  model: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  messages: ChatMessage[];
}

/** One message of a request body. */
export interface ChatMessage {
  role: string;
  content?: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: unknown } }>;
  tool_call_id?: string;
}

/** One request as the server saw it. */
export interface RecordedChatRequest {
  body: ChatBody;
  /** Size of the request body in bytes. */
  bytes: number;
  headers: IncomingHttpHeaders;
}

export interface MockChatApi {
  /** Base URL for the SDK (`baseURL`), ending in `/v1`. */
  url: string;
  requests: RecordedChatRequest[];
  enqueue(...replies: ChatMockReply[]): void;
  /** Replies not yet used. */
  pending(): number;
  close(): Promise<void>;
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

/**
 * A loopback server speaking enough of Chat Completions for the real SDK: POST /v1/chat/completions as JSON or
 * SSE (`chat.completion.chunk`, usage in a last chunk when `stream_options.include_usage` asks), answered from a
 * per-test queue. It checks what the real API checks about a conversation (every tool call answered by a `tool`
 * message right after it, no stray tool message, arguments as a JSON string) and answers 400 when a request breaks it.
 */
export async function startMockChatApi(opts: { apiKey?: string } = {}): Promise<MockChatApi> {
  const apiKey = opts.apiKey ?? 'test-key';
  const queue: ChatMockReply[] = [];
  const requests: RecordedChatRequest[] = [];
  const seenPrefixes = new Set<string>();
  let ids = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions'))
        return sendError(res, 404, 'invalid_request_error', `no route ${req.url}`);
      const body = JSON.parse(raw.toString('utf8')) as ChatBody;
      requests.push({ body, bytes: raw.length, headers: req.headers });
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return sendError(
          res,
          401,
          'invalid_request_error',
          'Incorrect API key provided',
          {},
          'invalid_api_key',
        );
      const invalid = checkRequest(body);
      if (invalid !== null) return sendError(res, 400, 'invalid_request_error', invalid);
      const reply = queue.shift();
      if (reply === undefined)
        return sendError(res, 400, 'invalid_request_error', 'mock: no scripted reply left');
      if (reply.kind === 'drop') return req.socket.destroy();
      if (reply.kind === 'error') {
        const headers: Record<string, string> =
          reply.retryAfter === undefined ? {} : { 'retry-after': reply.retryAfter };
        return sendError(
          res,
          reply.status,
          reply.type ?? 'server_error',
          reply.message ?? reply.type ?? 'error',
          headers,
        );
      }
      const usage = usageOf(body, seenPrefixes, reply.usage);
      const id = `chatcmpl-mock-${++ids}`;
      const calls = (reply.calls ?? []).map((c) => ({
        id: `call_mock_${++ids}`,
        name: c.name,
        args: c.rawJson ?? JSON.stringify(c.input ?? {}),
      }));
      setTimeout(() => {
        if (res.destroyed) return;
        if (body.stream === true) sendStream(res, reply, { id, model: body.model, calls, usage }, body);
        else
          sendJson(res, 200, completionOf(reply, { id, model: body.model, calls, usage }), {
            'x-request-id': `req_${id}`,
          });
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    pending: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Turn = Extract<ChatMockReply, { kind: 'turn' }>;

interface Answer {
  id: string;
  model: string;
  calls: Array<{ id: string; name: string; args: string }>;
  usage: Usage;
}

function finishReason(reply: Turn, a: Answer): string {
  return reply.stopReason ?? (a.calls.length > 0 ? 'tool_calls' : 'stop');
}

function completionOf(reply: Turn, a: Answer): unknown {
  return {
    id: a.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: a.model,
    choices: [
      {
        index: 0,
        finish_reason: finishReason(reply, a),
        logprobs: null,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          refusal: null,
          ...(a.calls.length === 0
            ? {}
            : {
                tool_calls: a.calls.map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: c.args },
                })),
              }),
        },
      },
    ],
    usage: a.usage,
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
  code: string | null = null,
): void {
  sendJson(
    res,
    status,
    { error: { message, type, param: null, code } },
    { 'x-request-id': 'req_mock_error', ...headers },
  );
}

function sendStream(res: ServerResponse, reply: Turn, a: Answer, body: ChatBody): void {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id: a.id,
    object: 'chat.completion.chunk',
    created,
    model: a.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const events: unknown[] = [chunk({ role: 'assistant', content: '' })];
  for (const piece of reply.text === undefined ? [] : split(reply.text, 16))
    events.push(chunk({ content: piece }));
  a.calls.forEach((c, index) => {
    if ('allAtIndexZero' in reply) {
      // Ollama: each call whole in one chunk, and every one of them at index 0.
      events.push(
        chunk({
          tool_calls: [
            { index: 0, id: c.id, type: 'function', function: { name: c.name, arguments: c.args } },
          ],
        }),
      );
      return;
    }
    events.push(
      chunk({
        tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }],
      }),
    );
    for (const piece of split(c.args, 24))
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  events.push(chunk({}, finishReason(reply, a)));
  if (body.stream_options?.include_usage === true)
    events.push({
      id: a.id,
      object: 'chat.completion.chunk',
      created,
      model: a.model,
      choices: [],
      usage: a.usage,
    });
  if (reply.streamErrorType !== undefined)
    events.splice(1, events.length - 1, {
      error: { message: 'mock stream error', type: reply.streamErrorType, param: null, code: null },
    });
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-request-id': `req_${a.id}`,
  });
  res.flushHeaders();
  const cut = Math.min(reply.dropAfterEvents ?? reply.stallAfterEvents ?? events.length, events.length);
  for (const data of events.slice(0, cut)) res.write(`data: ${JSON.stringify(data)}\n\n`);
  if (reply.stallAfterEvents !== undefined) return;
  // Let the first chunks reach the client, then cut the connection as a failing proxy would.
  if (cut < events.length) setTimeout(() => res.socket?.destroy(), 20);
  else res.end('data: [DONE]\n\n');
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** The rules of the real API the provider could break; each broken one is the 400 the API would send. */
function checkRequest(body: ChatBody): string | null {
  if (body.stream_options !== undefined && body.stream !== true)
    return 'The stream_options parameter is only allowed when stream is enabled.';
  for (const tool of body.tools ?? [])
    if (tool.type !== 'function' || !TOOL_NAME.test(tool.function?.name ?? ''))
      return `Invalid 'tools': function name ${JSON.stringify(tool.function?.name)} must match ${TOOL_NAME.source}`;
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return "'messages' must be a non-empty array";
  let open: string[] = [];
  for (const [i, m] of body.messages.entries()) {
    if (!ROLES.has(m.role)) return `messages[${i}].role: unknown role ${JSON.stringify(m.role)}`;
    if (m.role === 'tool') {
      if (!open.includes(m.tool_call_id ?? ''))
        return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages[${i}], tool_call_id ${JSON.stringify(m.tool_call_id)}).`;
      open = open.filter((id) => id !== m.tool_call_id);
      if (typeof m.content !== 'string') return `messages[${i}].content: a tool message needs text content`;
      continue;
    }
    if (open.length > 0)
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(', ')}`;
    const calls = m.role === 'assistant' ? (m.tool_calls ?? []) : [];
    if (m.role !== 'assistant' && m.tool_calls !== undefined)
      return `messages[${i}]: only assistant messages carry tool_calls`;
    if ((m.content === null || m.content === undefined) && calls.length === 0)
      return `messages[${i}]: content is required unless the message has tool_calls`;
    for (const c of calls) {
      if (typeof c.function.arguments !== 'string')
        return `messages[${i}].tool_calls: function.arguments must be a string`;
      // Ollama and llama.cpp parse the arguments they are sent back; the provider must send JSON.
      try {
        JSON.parse(c.function.arguments);
      } catch {
        return `messages[${i}].tool_calls: function.arguments is not valid JSON`;
      }
    }
    open = calls.map((c) => c.id);
  }
  return open.length > 0
    ? `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(', ')}`
    : null;
}

/**
 * Usage as OpenAI reports it, at 4 bytes a token: the longest run of leading messages (with the tools) seen in an
 * earlier request is read from the automatic prompt cache; scripted counts replace the simulated ones.
 */
function usageOf(
  body: ChatBody,
  seen: Set<string>,
  scripted: Extract<MockReply, { kind: 'turn' }>['usage'],
): Usage {
  let prefix = JSON.stringify(body.tools ?? []);
  let cached = 0;
  for (const m of body.messages) {
    prefix += JSON.stringify(m);
    if (seen.has(prefix)) cached = prefix.length;
    seen.add(prefix);
  }
  const tokens = (n: number) => Math.ceil(n / 4);
  const read = scripted?.cache_read_input_tokens ?? tokens(cached);
  const prompt =
    scripted?.input_tokens === undefined
      ? tokens(prefix.length)
      : scripted.input_tokens + read + (scripted.cache_creation_input_tokens ?? 0);
  const completion = scripted?.output_tokens ?? 20;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: Math.min(read, prompt) },
  };
}
