import type { Phase } from '../core/phases.js';
import { READ_ONLY_TOOLS, type ModelTurn, type ToolName } from '../core/proposals.js';
import { NOT_RUN_NOTE, acceptedNote, phaseNote, runtimeMessage, taskMessage } from './prompts.js';
import type { ModelRequest } from './provider.js';

/** A tool_result as kept in the transcript, with what its pruning note will say. */
interface ResultItem {
  id: string;
  label: string;
  content: string;
  isError: boolean;
}

/** A call of the model's, with the id its result answers. */
export interface Call {
  id: string;
  name: string;
  input: unknown;
}

type Entry =
  | { role: 'user'; results: ResultItem[]; texts: string[] }
  | { role: 'assistant'; text: string; calls: Call[] };

/**
 * One turn of the conversation as every provider receives it: a user turn answers each call of the assistant turn
 * before it (results first, then texts), an assistant turn holds the model's text and calls (with ids).
 */
export type TranscriptEntry =
  | { role: 'user'; results: Array<{ id: string; content: string; isError: boolean }>; texts: string[] }
  | { role: 'assistant'; text: string; calls: Call[] };

/** Results shorter than this stay verbatim: a note would save nothing. */
const PRUNE_MIN_CHARS = 400;

/**
 * The conversation the provider keeps for one run. It is a pure function of the (request, reply) sequence, so a
 * resumed run that replays journaled turns through it sends exactly the bytes the original run would have.
 */
export class Transcript {
  private entries: Entry[] = [];
  private lastPhase: Phase | null = null;
  /** How many of the oldest long results are replaced by a note; it only grows, so pruned text stays pruned. */
  private pruned = 0;

  /**
   * @param keep long tool results kept verbatim after pruning
   * @param slack how many more may pile up before the next pruning, so the cached prefix changes only now and then
   */
  constructor(
    private readonly keep: number,
    private readonly slack = Math.max(2, Math.ceil(keep / 2)),
  ) {}

  /** A way back to the current state, for a request that failed and must leave no trace. */
  checkpoint(): () => void {
    const [length, lastPhase, pruned] = [this.entries.length, this.lastPhase, this.pruned];
    return () => {
      this.entries.length = length;
      this.lastPhase = lastPhase;
      this.pruned = pruned;
    };
  }

  /** Adds the user turn of a request, answering every tool_use of the model's previous turn. */
  addRequest(request: ModelRequest): void {
    const prev = this.entries.at(-1);
    const results: ResultItem[] = [];
    const texts: string[] = [];
    let feedbackPlaced = false;
    if (prev?.role === 'assistant') {
      const unused = [...request.toolResults];
      for (const call of prev.calls) {
        // The runtime names a result by the call's id, or by the tool's name when a call had none.
        const at = unused.findIndex((r) => r.callId === call.id);
        const index = at >= 0 ? at : unused.findIndex((r) => r.callId === call.name);
        const result = index >= 0 ? unused.splice(index, 1)[0] : undefined;
        if (result !== undefined) {
          results.push({
            id: call.id,
            label: labelOf(call),
            content: result.content,
            isError: result.isError,
          });
          continue;
        }
        // Refused calls and proposals are answered with what the runtime said about them.
        const readOnly = READ_ONLY_TOOLS.includes(call.name as ToolName);
        const content =
          request.feedback.length > 0
            ? runtimeMessage(request.feedback)
            : readOnly
              ? NOT_RUN_NOTE
              : acceptedNote(request.phase);
        feedbackPlaced ||= request.feedback.length > 0;
        results.push({ id: call.id, label: `${labelOf(call)} (runtime answer)`, content, isError: false });
      }
    } else if (prev === undefined) {
      texts.push(taskMessage(request.task, request.unattended === true));
    }
    if (request.feedback.length > 0 && !feedbackPlaced) texts.push(runtimeMessage(request.feedback));
    if (request.phase !== this.lastPhase)
      texts.push(phaseNote(request.phase, request.tools, request.attempts));
    if (results.length === 0 && texts.length === 0) texts.push('agentctl runtime: continue.');
    this.lastPhase = request.phase;
    this.entries.push({ role: 'user', results, texts });
    this.advancePruning();
  }

  /** Adds the model's turn; calls without an id get a stable one so their results can answer them. */
  addReply(turn: ModelTurn): ModelTurn {
    const n = this.entries.length;
    const calls = turn.calls.map((call, i) => ({ ...call, id: call.id ?? `toolu_agentctl_${n}_${i}` }));
    this.entries.push({ role: 'assistant', text: turn.text ?? '', calls });
    return { ...turn, calls };
  }

  /** The conversation to send, pruned, in no vendor's format: each provider maps it to its API's messages. */
  view(): TranscriptEntry[] {
    let longSeen = 0;
    return this.entries.map((entry) => {
      if (entry.role === 'assistant')
        return { role: 'assistant', text: entry.text, calls: entry.calls.map((c) => ({ ...c })) };
      const results = entry.results.map((r) => {
        const long = r.content.length >= PRUNE_MIN_CHARS;
        const prune = long && longSeen++ < this.pruned;
        return {
          id: r.id,
          content: prune ? `[pruned: ${r.label}, ${Buffer.byteLength(r.content)} bytes]` : r.content,
          isError: r.isError,
        };
      });
      return { role: 'user', results, texts: [...entry.texts] };
    });
  }

  private advancePruning(): void {
    const long = this.entries
      .flatMap((e) => (e.role === 'user' ? e.results : []))
      .filter((r) => r.content.length >= PRUNE_MIN_CHARS).length;
    if (long - this.pruned > this.keep + this.slack) this.pruned = long - this.keep;
  }
}

/** The model's input for a call, as an object: APIs only take objects, and the core already judged the original. */
export function objectInput(input: unknown): Record<string, unknown> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input))
    return input as Record<string, unknown>;
  return { malformed_input: input ?? null };
}

/** A tool name every API accepts (letters, digits, `_`, `-`, at most 64), whatever the model called. */
export function safeToolName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'unnamed_tool';
}

/** `read_file src/x.js`, `search_text "foo"`: what a pruned result was, in a few words. */
function labelOf(call: Call): string {
  const input = (typeof call.input === 'object' && call.input !== null ? call.input : {}) as Record<
    string,
    unknown
  >;
  const arg =
    typeof input.path === 'string'
      ? input.path
      : typeof input.dir === 'string'
        ? input.dir
        : typeof input.query === 'string'
          ? JSON.stringify(input.query)
          : '';
  return arg === '' ? call.name : `${call.name} ${arg}`;
}
