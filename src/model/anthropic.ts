import Anthropic from '@anthropic-ai/sdk';
import type { ModelTurn } from '../core/proposals.js';
import type { ModelPrice } from '../policy/config-schema.js';
import { anthropicMessages } from './anthropic-messages.js';
import { callOnce, type ApiReply, type MessageParams } from './api-call.js';
import { costUsd, priceFor } from './pricing.js';
import { SYSTEM_PROMPT } from './prompts.js';
import { ModelCallError, type ModelProvider, type ModelRequest, type ModelResponse } from './provider.js';
import {
  DEFAULT_RETRY,
  RetriesExhausted,
  realClock,
  withRetries,
  type Clock,
  type RetryNotice,
  type RetryPolicy,
} from './retry.js';
import { toolDefinitions } from './tool-schemas.js';
import { Transcript } from './transcript.js';

/** Everything the provider needs; only `model` and `apiKey` are required. */
export interface AnthropicProviderOptions {
  /** Model id, e.g. `claude-sonnet-4-5`. */
  model: string;
  apiKey: string;
  /** Another endpoint (a proxy, a gateway, a test server); default the public API. */
  baseURL?: string;
  /** Output cap of one turn (`max_tokens`). */
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
 * A real model behind the ModelProvider interface. It keeps the conversation, offers only the phase's tools, and
 * reports what the model said; it validates nothing, because the runtime alone decides what a turn means.
 */
export class AnthropicProvider implements ModelProvider {
  readonly name: string;
  private readonly client: Anthropic;
  private readonly policy: RetryPolicy;
  private readonly price: ModelPrice;
  private transcript: Transcript;
  private runId: string | null = null;

  constructor(private readonly opts: AnthropicProviderOptions) {
    this.name = `anthropic:${opts.model}`;
    // Retries are ours (visible, bounded, and they cover a stream cut halfway), so the SDK must not add its own.
    this.client = new Anthropic({
      apiKey: opts.apiKey,
      baseURL: opts.baseURL ?? 'https://api.anthropic.com',
      maxRetries: 0,
      timeout: opts.timeoutMs ?? 300_000,
    });
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.price = priceFor(opts.model, opts.pricing);
    this.transcript = this.freshTranscript();
  }

  async next(request: ModelRequest): Promise<ModelResponse> {
    if (this.runId !== request.runId) {
      this.transcript = this.freshTranscript();
      this.runId = request.runId;
    }
    const rollback = this.transcript.checkpoint();
    this.transcript.addRequest(request);
    const params = this.params(request);
    let attempts = 0;
    let reply: ApiReply;
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
    const u = reply.usage;
    return {
      turn,
      usage: {
        inputTokens: u.uncachedInput + u.cacheRead + u.cacheWrite,
        outputTokens: u.output,
        costUsd: costUsd(u, this.price),
        cacheReadTokens: u.cacheRead,
        cacheWriteTokens: u.cacheWrite,
      },
      meta: { model: reply.model, stopReason: reply.stopReason, requestId: reply.requestId, attempts },
    };
  }

  /** Rebuilds the conversation from journaled exchanges, so a resumed run goes on without buying them again. */
  restore(history: Array<{ request: ModelRequest; response: ModelResponse }>): void {
    this.transcript = this.freshTranscript();
    this.runId = history[0]?.request.runId ?? null;
    for (const { request, response } of history) {
      this.transcript.addRequest({ ...request, task: request.task ?? '' });
      this.transcript.addReply(response.turn);
    }
  }

  /** The exact body the next request would carry, without sending it (tests, debugging). */
  params(request: ModelRequest): MessageParams {
    const tools = toolDefinitions(request.tools).map((tool, i, all) =>
      i === all.length - 1 ? { ...tool, cache_control: { type: 'ephemeral' as const } } : tool,
    );
    return {
      model: this.opts.model,
      max_tokens: this.opts.maxTokensPerTurn ?? 8192,
      system: [{ type: 'text', text: SYSTEM_PROMPT, cache_control: { type: 'ephemeral' } }],
      ...(tools.length > 0 ? { tools } : {}),
      messages: anthropicMessages(this.transcript.view()),
    };
  }

  private freshTranscript(): Transcript {
    return new Transcript(this.opts.keepToolResults ?? 6);
  }

  private callError(err: RetriesExhausted): ModelCallError {
    const { failure, attempts } = err;
    const hint =
      failure.status === 401 || failure.status === 403
        ? ' Check ANTHROPIC_API_KEY.'
        : failure.status === 404
          ? ` Check the model name (--model anthropic:${this.opts.model}).`
          : '';
    const why = failure.retryable ? ` (${err.message})` : attempts > 1 ? ` (attempt ${attempts})` : '';
    return new ModelCallError(
      `Anthropic API call failed: ${failure.reason}${why}.${hint}`,
      failure.retryable,
    );
  }
}

function turnOf(reply: ApiReply): ModelTurn {
  return { ...(reply.text === '' ? {} : { text: reply.text }), calls: reply.calls };
}
