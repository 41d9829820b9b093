import type Anthropic from '@anthropic-ai/sdk';
import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { TokenUsage } from './pricing.js';
import {
  ApiStatusError,
  AttemptTimeoutError,
  CallCancelled,
  ConnectionFailure,
  StreamCutError,
  StreamErrorEvent,
} from './retry.js';

/** One model reply, reduced to what agentctl uses. */
export interface ApiReply {
  text: string;
  /** `input` is whatever the model sent, parsed when it is JSON and the raw text when not: the core judges it. */
  calls: Array<{ id: string; name: string; input: unknown }>;
  stopReason: string | null;
  usage: TokenUsage;
  model: string;
  requestId: string | null;
}

type Block =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; id: string; name: string; json: string; initial: unknown }
  | { kind: 'other' };

/**
 * Folds raw stream events into a reply. agentctl keeps its own fold rather than `messages.stream()`'s because that
 * helper throws on tool input that is not valid JSON, and malformed input must reach the core to be counted.
 */
export class ReplyBuilder {
  private readonly blocks = new Map<number, Block>();
  private usage: TokenUsage = { uncachedInput: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  private stopReason: string | null = null;
  private model = '';
  stopped = false;

  constructor(private readonly onText: (delta: string) => void = () => undefined) {}

  add(event: Anthropic.RawMessageStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.model = event.message.model;
        this.usage = usageOf(event.message.usage);
        break;
      case 'content_block_start': {
        const block = event.content_block;
        this.blocks.set(
          event.index,
          block.type === 'text'
            ? { kind: 'text', text: block.text }
            : block.type === 'tool_use'
              ? { kind: 'tool', id: block.id, name: block.name, json: '', initial: block.input }
              : { kind: 'other' },
        );
        break;
      }
      case 'content_block_delta': {
        const block = this.blocks.get(event.index);
        if (event.delta.type === 'text_delta' && block?.kind === 'text') {
          block.text += event.delta.text;
          this.onText(event.delta.text);
        } else if (event.delta.type === 'input_json_delta' && block?.kind === 'tool') {
          block.json += event.delta.partial_json;
        }
        break;
      }
      case 'message_delta': {
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        const u = event.usage;
        // Counters in message_delta are cumulative totals; those that are present replace the start's.
        this.usage = {
          uncachedInput: u.input_tokens ?? this.usage.uncachedInput,
          output: u.output_tokens,
          cacheRead: u.cache_read_input_tokens ?? this.usage.cacheRead,
          cacheWrite: u.cache_creation_input_tokens ?? this.usage.cacheWrite,
        };
        break;
      }
      case 'message_stop':
        this.stopped = true;
        break;
      case 'content_block_stop':
        // A block's text and JSON are complete once deltas stop; nothing to close.
        break;
      default: {
        const unhandled: never = event;
        void unhandled;
      }
    }
  }

  result(requestId: string | null): ApiReply {
    const ordered = [...this.blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
    return {
      text: ordered
        .flatMap((b) => (b.kind === 'text' ? [b.text] : []))
        .join('\n\n')
        .trim(),
      calls: ordered.flatMap((b) =>
        b.kind === 'tool'
          ? [{ id: b.id, name: b.name, input: b.json === '' ? b.initial : parseInput(b.json) }]
          : [],
      ),
      stopReason: this.stopReason,
      usage: this.usage,
      model: this.model,
      requestId,
    };
  }
}

function parseInput(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

function usageOf(u: Anthropic.Usage): TokenUsage {
  return {
    uncachedInput: u.input_tokens,
    output: u.output_tokens,
    cacheRead: u.cache_read_input_tokens ?? 0,
    cacheWrite: u.cache_creation_input_tokens ?? 0,
  };
}

/** Maps a non-streamed reply the same way. */
export function replyOf(message: Anthropic.Message, requestId: string | null): ApiReply {
  const builder = new ReplyBuilder();
  builder.add({ type: 'message_start', message: { ...message, content: [] } });
  message.content.forEach((block, index) => {
    builder.add({
      type: 'content_block_start',
      index,
      content_block: block,
    });
  });
  return { ...builder.result(requestId), stopReason: message.stop_reason };
}

/** The body of one Messages API request, before `stream` is set. */
export type MessageParams = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'>;

/**
 * One attempt, streamed or not, bounded by `timeoutMs` from the first byte sent to the last received (the SDK's
 * own timeout stops at the response headers, which would let a stalled stream hang the run).
 */
export async function callOnce(
  client: Anthropic,
  params: MessageParams,
  opts: { stream: boolean; timeoutMs: number; onText?: (delta: string) => void },
): Promise<ApiReply> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs);
  const request = { signal: controller.signal, timeout: opts.timeoutMs, maxRetries: 0 };
  const timeout = () => new AttemptTimeoutError(`timed out after ${opts.timeoutMs} ms`);
  try {
    if (!opts.stream) {
      const { data, response } = await client.messages.create(params, request).withResponse();
      return replyOf(data, response.headers.get('request-id'));
    }
    const { data: stream, response } = await client.messages
      .create({ ...params, stream: true }, request)
      .withResponse();
    const builder = new ReplyBuilder(opts.onText);
    for await (const event of stream) builder.add(event);
    if (timedOut) throw timeout();
    if (!builder.stopped)
      throw new StreamCutError('connection dropped: the stream ended before message_stop');
    return builder.result(response.headers.get('request-id'));
  } catch (err) {
    throw timedOut ? timeout() : neutralError(err);
  } finally {
    clearTimeout(timer);
  }
}

/** Error types of the Messages API that another attempt can fix. */
const RETRYABLE_TYPES = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);

// `instanceof` on the generic class would type status and headers as `any`; this keeps their declared types.
function isApiError(err: unknown): err is APIError {
  return err instanceof APIError;
}

/** Maps the Anthropic SDK's errors to the neutral ones retrying understands; anything else passes unchanged. */
export function neutralError(err: unknown): unknown {
  if (err instanceof APIUserAbortError) return new CallCancelled(err.message);
  if (err instanceof APIConnectionError) return new ConnectionFailure(err.message);
  if (!isApiError(err)) return err;
  const type = err.type ?? 'error';
  const detail = err.apiMessage ?? err.message;
  // An `event: error` inside an SSE stream has no status, only the error type.
  if (err.status === undefined) return new StreamErrorEvent(type, detail, RETRYABLE_TYPES.has(type));
  return new ApiStatusError(err.status, type, detail, err.headers ?? undefined);
}
