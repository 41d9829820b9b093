import type OpenAI from 'openai';
import type { TokenUsage } from '../pricing.js';
import { AttemptTimeoutError, StreamCutError } from '../retry.js';
import { neutralError } from './errors.js';

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
type ToolCallDelta = OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall;

/** One Chat Completions reply, reduced to what agentctl uses. */
export interface ChatReply {
  text: string;
  /** `input` is the arguments parsed when they are JSON and the raw text when not: the core judges them. */
  calls: Array<{ id?: string; name: string; input: unknown }>;
  stopReason: string | null;
  /** Null when the server reported none (some local servers ignore `stream_options`). */
  usage: TokenUsage | null;
  model: string;
  requestId: string | null;
}

interface PendingCall {
  id: string | undefined;
  name: string;
  args: string;
}

/**
 * Folds streamed chunks into a reply. Tool calls are keyed by their id, not by their index: Ollama streams
 * parallel calls all at index 0, each whole and with its own id, and folding by index (as the SDK's helper does)
 * would merge them into one corrupt call. A delta without an id continues the call last opened at its index.
 */
export class ChunkFolder {
  private text = '';
  private readonly calls: PendingCall[] = [];
  private readonly byId = new Map<string, PendingCall>();
  private readonly byIndex = new Map<number, PendingCall>();
  private usage: TokenUsage | null = null;
  private model = '';
  finishReason: string | null = null;

  constructor(private readonly onText: (delta: string) => void = () => undefined) {}

  add(chunk: Chunk): void {
    if (chunk.model) this.model = chunk.model;
    if (chunk.usage) this.usage = usageOf(chunk.usage);
    for (const choice of chunk.choices) {
      // agentctl asks for one choice; any other is not the reply.
      if (choice.index !== 0) continue;
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string' && delta.content !== '') {
        this.text += delta.content;
        this.onText(delta.content);
      }
      for (const call of delta.tool_calls ?? []) this.addCall(call);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
  }

  private addCall(delta: ToolCallDelta): void {
    const id = delta.id === undefined || delta.id === '' ? undefined : delta.id;
    let call = id === undefined ? this.byIndex.get(delta.index) : this.byId.get(id);
    if (call === undefined) {
      call = { id, name: '', args: '' };
      this.calls.push(call);
      if (id !== undefined) this.byId.set(id, call);
    }
    this.byIndex.set(delta.index, call);
    const name = delta.function?.name;
    // Servers send the name once, or repeat it whole in every chunk; either way it is not appended twice.
    if (name !== undefined && name !== '' && call.name !== name) call.name += name;
    call.args += delta.function?.arguments ?? '';
  }

  result(requestId: string | null): ChatReply {
    return {
      text: this.text.trim(),
      calls: this.calls.map((c) => ({
        ...(c.id === undefined ? {} : { id: c.id }),
        name: c.name,
        input: c.args.trim() === '' ? {} : parseArguments(c.args),
      })),
      stopReason: this.finishReason,
      usage: this.usage,
      model: this.model,
      requestId,
    };
  }
}

function parseArguments(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

/** Prompt tokens include the cached ones; OpenAI bills no cache write. */
function usageOf(u: OpenAI.CompletionUsage): TokenUsage {
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    uncachedInput: Math.max(0, u.prompt_tokens - cached),
    output: u.completion_tokens,
    cacheRead: cached,
    cacheWrite: 0,
  };
}

/** The body of one Chat Completions request, before `stream` is set. */
export type ChatParams = Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming, 'stream'>;

/**
 * One attempt, streamed or not, bounded by `timeoutMs` from the first byte sent to the last received (the SDK's
 * own timeout stops at the response headers, which would let a stalled stream hang the run).
 */
export async function callOnce(
  client: OpenAI,
  params: ChatParams,
  opts: { stream: boolean; timeoutMs: number; onText?: (delta: string) => void },
): Promise<ChatReply> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs);
  const request = { signal: controller.signal, timeout: opts.timeoutMs, maxRetries: 0 };
  const timeout = () => new AttemptTimeoutError(`timed out after ${opts.timeoutMs} ms`);
  try {
    const folder = new ChunkFolder(opts.onText);
    if (!opts.stream) {
      const { data, response } = await client.chat.completions.create(params, request).withResponse();
      folder.add(chunkOf(data));
      return folder.result(response.headers.get('x-request-id'));
    }
    const { data: stream, response } = await client.chat.completions
      .create({ ...params, stream: true, stream_options: { include_usage: true } }, request)
      .withResponse();
    for await (const chunk of stream) folder.add(chunk);
    if (timedOut) throw timeout();
    if (folder.finishReason === null)
      throw new StreamCutError('connection dropped: the stream ended before a finish_reason');
    return folder.result(response.headers.get('x-request-id'));
  } catch (err) {
    throw timedOut ? timeout() : neutralError(err);
  } finally {
    clearTimeout(timer);
  }
}

/** A whole (non-streamed) completion as the one chunk that would carry all of it. */
function chunkOf(completion: OpenAI.Chat.Completions.ChatCompletion): Chunk {
  return {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    ...(completion.usage === undefined ? {} : { usage: completion.usage }),
    choices: completion.choices.map((choice) => ({
      index: choice.index,
      finish_reason: choice.finish_reason,
      delta: {
        content: choice.message.content,
        tool_calls: (choice.message.tool_calls ?? []).flatMap((call, index) =>
          call.type === 'function'
            ? [{ index, id: call.id, type: 'function' as const, function: call.function }]
            : [],
        ),
      },
    })),
  };
}
