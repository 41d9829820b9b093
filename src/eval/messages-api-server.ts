// A loopback server speaking enough of the Anthropic Messages API for the SDK: scripted replies and injected
// faults (429, 529, 5xx, slow and dropped connections). Used by `agentctl eval` model-fault scenarios and by tests.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tool call the mock model makes; `rawJson` sends input text as is (it need not be JSON). */
export interface MockCall {
  name: string;
  input?: unknown;
  rawJson?: string;
}

/** What the mock answers one request with. */
export type MockReply =
  | {
      kind: 'turn';
      text?: string;
      calls?: MockCall[];
      usage?: Partial<MockUsage>;
      stopReason?: string;
      /** Wait before the response headers. */
      delayMs?: number;
      /** Destroy the socket after this many SSE events. */
      dropAfterEvents?: number;
      /** Send this many SSE events, then nothing more (the connection stays open). */
      stallAfterEvents?: number;
      /** Send an `event: error` of this type after the first event. */
      streamErrorType?: string;
    }
  | { kind: 'error'; status: number; type?: string; message?: string; retryAfter?: string }
  /** Destroy the socket without answering. */
  | { kind: 'drop' };

export interface MockUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  body: MessagesBody;
  /** Size of the request body in bytes. */
  bytes: number;
  headers: IncomingHttpHeaders;
  /** The usage the server answered with (absent when it answered an error or dropped the request). */
  usage?: MockUsage;
}

/** The parts of a Messages API body the mock reads. */
export interface MessagesBody {
  model: string;
  stream?: boolean;
  max_tokens: number;
  system?: Array<{ type: string; text: string; cache_control?: unknown }>;
  tools?: Array<{ name: string; description?: string; input_schema: unknown; cache_control?: unknown }>;
  messages: Array<{ role: string; content: string | Array<Record<string, unknown>> }>;
}

export interface MockMessagesApi {
  /** Base URL for the SDK (`baseURL`). */
  url: string;
  requests: RecordedRequest[];
  enqueue(...replies: MockReply[]): void;
  /** Replies not yet used. */
  pending(): number;
  close(): Promise<void>;
}

/** A turn with text and tool calls. */
export function turn(text: string | undefined, ...calls: MockCall[]): MockReply {
  return { kind: 'turn', ...(text === undefined ? {} : { text }), calls };
}

/** A tool call. */
export function call(name: string, input: unknown): MockCall {
  return { name, input };
}

/** An HTTP error, as the API sends it. */
export function httpError(status: number, type: string, retryAfter?: string): MockReply {
  return { kind: 'error', status, type, ...(retryAfter === undefined ? {} : { retryAfter }) };
}

/**
 * A loopback server speaking enough of the Messages API for the real SDK: POST /v1/messages as JSON or SSE,
 * answered from a per-test queue. It checks what the real API checks about a conversation (every tool_use
 * answered by the next user turn, no empty text, object tool input) and answers 400 when a request breaks it.
 */
export async function startMockMessagesApi(opts: { apiKey?: string } = {}): Promise<MockMessagesApi> {
  const apiKey = opts.apiKey ?? 'test-key';
  const queue: MockReply[] = [];
  const requests: RecordedRequest[] = [];
  const writtenPrefixes = new Set<string>();
  let ids = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages'))
        return sendError(res, 404, 'not_found_error', `no route ${req.url}`);
      const body = JSON.parse(raw.toString('utf8')) as MessagesBody;
      const recorded: RecordedRequest = { body, bytes: raw.length, headers: req.headers };
      requests.push(recorded);
      // Depending on its version the SDK sends the key as `x-api-key` or as a bearer token.
      const key = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, '');
      if (key !== apiKey) return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
      const invalid = checkConversation(body);
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
          reply.type ?? 'api_error',
          reply.message ?? reply.type ?? 'error',
          headers,
        );
      }
      const usage = { ...simulateUsage(body, writtenPrefixes), ...reply.usage };
      recorded.usage = usage;
      const message = messageOf(reply, body.model, usage, () => `toolu_mock_${++ids}`, `msg_mock_${++ids}`);
      setTimeout(() => {
        if (res.destroyed) return;
        if (body.stream === true) sendStream(res, reply, message);
        else sendJson(res, 200, message, { 'request-id': `req_mock_${ids}` });
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
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

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown; rawJson: string };

interface Message {
  id: string;
  model: string;
  content: Block[];
  stop_reason: string;
  usage: MockUsage;
}

function messageOf(
  reply: Extract<MockReply, { kind: 'turn' }>,
  model: string,
  usage: MockUsage,
  nextId: () => string,
  id: string,
): Message {
  const content: Block[] = [];
  if (reply.text !== undefined) content.push({ type: 'text', text: reply.text });
  for (const c of reply.calls ?? []) {
    const rawJson = c.rawJson ?? JSON.stringify(c.input ?? {});
    content.push({ type: 'tool_use', id: nextId(), name: c.name, input: c.input ?? {}, rawJson });
  }
  const stop = reply.stopReason ?? ((reply.calls ?? []).length > 0 ? 'tool_use' : 'end_turn');
  return { id, model, content, stop_reason: stop, usage };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, (key, value: unknown) => (key === 'rawJson' ? undefined : value));
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    status,
    { type: 'error', error: { type, message } },
    { 'request-id': 'req_mock_error', ...headers },
  );
}

function sendStream(res: ServerResponse, reply: Extract<MockReply, { kind: 'turn' }>, m: Message): void {
  const events: Array<[string, unknown]> = [
    [
      'message_start',
      {
        type: 'message_start',
        message: { ...m, content: [], stop_reason: null, usage: { ...m.usage, output_tokens: 1 } },
      },
    ],
  ];
  m.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push([
        'content_block_start',
        { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
      ]);
      for (const piece of split(block.text, 16))
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } },
        ]);
    } else {
      events.push([
        'content_block_start',
        {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        },
      ]);
      for (const piece of split(block.rawJson, 64))
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } },
        ]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: m.stop_reason, stop_sequence: null },
      usage: { output_tokens: m.usage.output_tokens },
    },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  if (reply.streamErrorType !== undefined)
    events.splice(1, events.length - 1, [
      'error',
      { type: 'error', error: { type: reply.streamErrorType, message: 'mock stream error' } },
    ]);
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': `req_${m.id}`,
  });
  res.flushHeaders();
  const cut = Math.min(reply.dropAfterEvents ?? reply.stallAfterEvents ?? events.length, events.length);
  for (const [name, data] of events.slice(0, cut))
    res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  // Let the first events reach the client, then cut the connection as a failing proxy would.
  if (reply.stallAfterEvents !== undefined) return;
  if (cut < events.length) setTimeout(() => res.socket?.destroy(), 20);
  else res.end();
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** The rules of the real API the provider could break: alternation, answered tool_use ids, non-empty text, object input. */
function checkConversation(body: MessagesBody): string | null {
  const breakpoints = [
    ...(body.tools ?? []),
    ...(body.system ?? []),
    ...body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])),
  ].filter((b) => b.cache_control !== undefined).length;
  if (breakpoints > 4)
    return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
  let open: string[] = [];
  for (const [i, m] of body.messages.entries()) {
    if (m.role !== (i % 2 === 0 ? 'user' : 'assistant'))
      return `messages.${i}: roles must alternate, starting with user`;
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (blocks.length === 0) return `messages.${i}: content must not be empty`;
    if (blocks.some((b) => b.type === 'text' && String(b.text).trim() === ''))
      return `messages.${i}: text content blocks must be non-empty`;
    const answered = blocks.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id));
    const missing = open.filter((id) => !answered.includes(id));
    if (missing.length > 0)
      return `messages.${i}: tool_use ids were found without tool_result blocks immediately after: ${missing.join(', ')}`;
    const firstOther = blocks.findIndex((b) => b.type !== 'tool_result');
    if (firstOther >= 0 && blocks.slice(firstOther).some((b) => b.type === 'tool_result'))
      return `messages.${i}: tool_result blocks must come first`;
    const uses = blocks.filter((b) => b.type === 'tool_use');
    if (uses.some((b) => typeof b.input !== 'object' || b.input === null || Array.isArray(b.input)))
      return `messages.${i}: tool_use.input: Input should be a valid dictionary`;
    open = uses.map((b) => String(b.id));
  }
  return open.length > 0
    ? 'the last message holds tool_use blocks; the request must end with a user turn'
    : null;
}

/** How far back from a breakpoint the API looks for a prefix it has cached, in content blocks. */
const CACHE_LOOKBACK_BLOCKS = 20;

/** The deterministic stand-in for a tokenizer that the server's usage (and the bench) counts with. */
export const TOKENIZER_STAND_IN =
  "1 token per 4 bytes (rounded up) of each block's JSON with its cache_control removed";

/** A request body cut into the units caching works on: tools, then system blocks, then message blocks. */
export function cacheUnits(body: MessagesBody): Array<{ text: string; mark: boolean }> {
  const units: Array<{ text: string; mark: boolean }> = [];
  const push = (b: { cache_control?: unknown }) => {
    // Where the breakpoints sit does not change what the prefix holds, so a mark is not part of its bytes.
    const { cache_control, ...rest } = b;
    units.push({ text: JSON.stringify(rest), mark: cache_control !== undefined });
  };
  (body.tools ?? []).forEach(push);
  (body.system ?? []).forEach(push);
  for (const m of body.messages)
    (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content).forEach(push);
  return units;
}

/** Tokens of a byte count, by the stand-in tokenizer. */
export function standInTokens(bytes: number): number {
  return Math.ceil(bytes / 4);
}

/**
 * Usage as the caching API reports it: each breakpoint writes the prefix up to it; the longest prefix already
 * written, found at a breakpoint or up to 20 blocks before one, is read from the cache; the rest up to the last
 * breakpoint is written; the tail after it is plain input. Prefixes are remembered by hash.
 */
function simulateUsage(body: MessagesBody, written: Set<string>): MockUsage {
  const units = cacheUnits(body);
  const ends: Array<{ bytes: number; hash: string }> = [];
  const hash = createHash('sha256');
  let bytes = 0;
  for (const unit of units) {
    hash.update(unit.text);
    bytes += Buffer.byteLength(unit.text);
    ends.push({ bytes, hash: hash.copy().digest('hex') });
  }
  let read = 0;
  let marked = 0;
  units.forEach((unit, i) => {
    if (!unit.mark) return;
    for (let j = i; j >= 0 && j > i - CACHE_LOOKBACK_BLOCKS; j--) {
      if (written.has(ends[j]!.hash)) {
        read = Math.max(read, ends[j]!.bytes);
        break;
      }
    }
    marked = ends[i]!.bytes;
  });
  units.forEach((unit, i) => unit.mark && written.add(ends[i]!.hash));
  return {
    input_tokens: standInTokens(bytes) - standInTokens(marked),
    output_tokens: 20,
    cache_read_input_tokens: standInTokens(read),
    cache_creation_input_tokens: standInTokens(marked) - standInTokens(read),
  };
}
