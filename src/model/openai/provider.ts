import OpenAI from 'openai';
import type { ModelTurn } from '../../core/proposals.js';
import type { ModelPrice } from '../../policy/config-schema.js';
import { costUsd, priceFor, priceNote, type TokenUsage } from '../pricing.js';
import { SYSTEM_PROMPT } from '../prompts.js';
import { ModelCallError, type ModelProvider, type ModelRequest, type ModelResponse } from '../provider.js';
import {
  DEFAULT_RETRY,
  RetriesExhausted,
  realClock,
  withRetries,
  type Clock,
  type RetryNotice,
  type RetryPolicy,
} from '../retry.js';
import { Transcript } from '../transcript.js';
import { chatMessages, chatTools } from './messages.js';
import { callOnce, type ChatParams, type ChatReply } from './stream.js';

/** Everything the provider needs; only `model`, `apiKey` and `baseURL` are required. */
export interface OpenAIProviderOptions {
  /** Model id as the endpoint knows it, e.g. `gpt-4.1` or `qwen2.5-coder:14b`. */
  model: string;
  apiKey: string;
  /** The endpoint, up to and including `/v1`. */
  baseURL: string;
  /** The spec kind the user typed (`openai`, `ollama`, `openai-compatible`): names the provider and its errors. */
  kind?: string;
  /** What to check when the key is refused, e.g. `OPENAI_API_KEY`. */
  keyHint?: string;
  /** OpenAI's own models take `max_completion_tokens`; most local servers only know `max_tokens`. */
  tokenField?: 'max_completion_tokens' | 'max_tokens';
  /** OpenAI's reasoning models take the instructions as a `developer` message. */
  systemRole?: 'system' | 'developer';
  /** Output cap of one turn. */
  maxTokensPerTurn?: number;
  /** Limit of one attempt, from sending the request to the last streamed byte. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Long tool results kept verbatim; older ones are replaced by a one-line note. */
  keepToolResults?: number;
  /** Price overrides by model name or prefix, over the built-in estimates. */
  pricing?: Readonly<Record<string, ModelPrice>>;
  /** Stream the reply (default) or wait for it whole. */
  stream?: boolean;
  clock?: Clock;
  /** Each piece of text as it streams in, for the UI. */
  onText?: (delta: string) => void;
  /** Each retry, before its wait, so the user sees why the run is waiting. */
  onRetry?: (notice: RetryNotice) => void;
}

/**
 * A model behind an OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, vLLM, llama.cpp, a gateway). Like
 * the Anthropic provider it keeps the conversation, offers only the phase's tools and reports what the model said;
 * it validates nothing, because the runtime alone decides what a turn means.
 */
export class OpenAIProvider implements ModelProvider {
  readonly name: string;
  private readonly client: OpenAI;
  private readonly policy: RetryPolicy;
  private readonly price: ModelPrice;
  /** Said once per run when the price table does not know the model. */
  private readonly priceNote: string | null;
  private transcript: Transcript;
  private runId: string | null = null;
  private noted = false;

  constructor(private readonly opts: OpenAIProviderOptions) {
    this.name = `${opts.kind ?? 'openai'}:${opts.model}`;
    // Retries are ours (visible, bounded, and they cover a stream cut halfway), so the SDK must not add its own.
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      baseURL: opts.baseURL,
      maxRetries: 0,
      timeout: opts.timeoutMs ?? 300_000,
    });
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.price = priceFor(opts.model, opts.pricing);
    this.priceNote = priceNote(opts.model, opts.pricing);
    this.transcript = this.freshTranscript();
  }

  async next(request: ModelRequest): Promise<ModelResponse> {
    if (this.runId !== request.runId) {
      this.transcript = this.freshTranscript();
      this.runId = request.runId;
      this.noted = false;
    }
    const rollback = this.transcript.checkpoint();
    this.transcript.addRequest(request);
    const params = this.params(request);
    let attempts = 0;
    let reply: ChatReply;
    try {
      reply = await withRetries(
        (n) => {
          attempts = n + 1;
          return callOnce(this.client, params, {
            stream: this.opts.stream ?? true,
            timeoutMs: this.opts.timeoutMs ?? 300_000,
            ...(this.opts.onText === undefined ? {} : { onText: this.opts.onText }),
          });
        },
        this.policy,
        this.opts.clock ?? realClock,
        this.opts.onRetry,
      );
    } catch (err) {
      // A failed request leaves no half turn behind: a retry of the run sends the same conversation.
      rollback();
      if (err instanceof RetriesExhausted) throw this.callError(err);
      throw err;
    }
    const turn = this.transcript.addReply(turnOf(reply));
    const u = reply.usage ?? estimatedUsage(params, reply);
    const note = this.noted ? null : this.priceNote;
    this.noted = true;
    return {
      turn,
      usage: {
        inputTokens: u.uncachedInput + u.cacheRead + u.cacheWrite,
        outputTokens: u.output,
        costUsd: costUsd(u, this.price),
        cacheReadTokens: u.cacheRead,
        cacheWriteTokens: u.cacheWrite,
      },
      meta: {
        model: reply.model || this.opts.model,
        stopReason: reply.stopReason,
        requestId: reply.requestId,
        attempts,
        ...(note === null ? {} : { note }),
      },
    };
  }

  /** Rebuilds the conversation from journaled exchanges, so a resumed run goes on without buying them again. */
  restore(history: Array<{ request: ModelRequest; response: ModelResponse }>): void {
    this.transcript = this.freshTranscript();
    this.runId = history[0]?.request.runId ?? null;
    this.noted = history.length > 0;
    for (const { request, response } of history) {
      this.transcript.addRequest({ ...request, task: request.task ?? '' });
      this.transcript.addReply(response.turn);
    }
  }

  /** The exact body the next request would carry, without sending it (tests, debugging). */
  params(request: ModelRequest): ChatParams {
    const tools = chatTools(request.tools);
    return {
      model: this.opts.model,
      [this.opts.tokenField ?? 'max_completion_tokens']: this.opts.maxTokensPerTurn ?? 8192,
      messages: chatMessages(SYSTEM_PROMPT, this.opts.systemRole ?? 'system', this.transcript.view()),
      ...(tools.length > 0 ? { tools } : {}),
    };
  }

  private freshTranscript(): Transcript {
    return new Transcript(this.opts.keepToolResults ?? 6);
  }

  private callError(err: RetriesExhausted): ModelCallError {
    const { failure, attempts } = err;
    const hint =
      failure.status === 401 || failure.status === 403
        ? ` Check ${this.opts.keyHint ?? 'the API key'}.`
        : failure.status === 404
          ? ` Check the model name (--model ${this.name}) and the endpoint ${this.opts.baseURL}.`
          : failure.reason.startsWith('connection')
            ? ` Is the server at ${this.opts.baseURL} running?`
            : '';
    const why = failure.retryable ? ` (${err.message})` : attempts > 1 ? ` (attempt ${attempts})` : '';
    return new ModelCallError(
      `${this.opts.kind ?? 'openai'} API call failed: ${failure.reason}${why}.${hint}`,
      failure.retryable,
    );
  }
}

function turnOf(reply: ChatReply): ModelTurn {
  return { ...(reply.text === '' ? {} : { text: reply.text }), calls: reply.calls };
}

/** A server that reports no usage still spends budget: about four bytes a token, all of it uncached input. */
function estimatedUsage(params: ChatParams, reply: ChatReply): TokenUsage {
  const out = reply.text.length + JSON.stringify(reply.calls).length;
  return {
    uncachedInput: Math.ceil(JSON.stringify(params).length / 4),
    output: Math.ceil(out / 4),
    cacheRead: 0,
    cacheWrite: 0,
  };
}
