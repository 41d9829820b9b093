import type { Phase } from '../core/phases.js';
import type { ModelTurn, ToolName } from '../core/proposals.js';

/** A result of a read-only tool, returned to the model on its next turn. */
export interface ToolResultMessage {
  callId: string;
  name: string;
  content: string;
  isError: boolean;
}

/** What the runtime asks the model for one turn. */
export interface ModelRequest {
  runId: string;
  task: string;
  phase: Phase;
  /** Only these tools are offered; anything else the model calls is refused by policy. */
  tools: readonly ToolName[];
  /** Runtime messages: refusals, gate verdicts, user answers. */
  feedback: readonly string[];
  /** Answers to the read-only calls of the previous turn. */
  toolResults: readonly ToolResultMessage[];
  /** Failed attempts so far and the cap, for the phase note. Absent in journals written before it existed. */
  attempts?: { used: number; max: number };
  /** Nobody can answer questions (`--yes`, CI): the task message says so. */
  unattended?: boolean;
}

export interface ModelResponse {
  /** Set on resume for a response bought before a crash and served again from the journal. */
  replayed?: boolean;
  turn: ModelTurn;
  /**
   * `inputTokens` counts every input token the model read, cached or not (the context size); the cache fields
   * say how many of them were read from or written to the prompt cache, which `costUsd` prices accordingly.
   */
  usage: {
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    cacheReadTokens?: number;
    cacheWriteTokens?: number;
  };
  /**
   * How the turn was obtained, for the journal: model id, why it stopped, request id, attempts made, and once per
   * run what the user should know about how it is priced (an unknown model is priced as the dearest).
   */
  meta?: {
    model: string;
    stopReason: string | null;
    requestId: string | null;
    attempts: number;
    note?: string;
  };
}

/** The one interface every model sits behind; the runtime never trusts what it returns. */
export interface ModelProvider {
  readonly name: string;
  next(request: ModelRequest): Promise<ModelResponse>;
  /** On resume: how many turns the journal shows were already played (the provider skips or reuses them). */
  seek?(turnsPlayed: number): void;
  /** On resume: the journaled exchanges, in order, so the provider can rebuild its conversation. */
  restore?(history: Array<{ request: ModelRequest; response: ModelResponse }>): void;
}

/** A model failure the run reports instead of crashing: cassette exhausted, API unreachable. */
export class ModelCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ModelCallError';
  }
}
