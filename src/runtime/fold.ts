import type { Effect } from '../core/events.js';
import type { RunStart, RunState } from '../core/state.js';
import { startRun, transition } from '../core/transition.js';
import { JournalCorruptError } from '../errors.js';
import type { JournalEntry } from '../journal/entry.js';
import { runEntries } from '../journal/run-entries.js';
import type { ModelRequest, ModelResponse } from '../model/provider.js';
import type { RunContext } from './context.js';

/** A run rebuilt from its journal: the state the pure machine reaches, and what it would do next. */
export interface FoldedRun {
  start: RunStart;
  ctx: Omit<RunContext, 'readOnlyBinds'>;
  model: string;
  modelSpec: string | null;
  state: RunState;
  pending: Effect[];
  /** An effect whose intent was journaled but not its result: it may or may not have happened. */
  openIntent: { opKey: string; effect: Effect; seq: number; firstSeq: number } | null;
  /** Every model exchange, in order, so a provider can rebuild its conversation. */
  modelTurns: Array<{ request: ModelRequest; response: ModelResponse; seq: number }>;
  finished: boolean;
  /** The publish plan of a `ci fix` run (see SessionOptions.publish), or null; ci/publish.ts parses it. */
  publish: unknown;
}

/** Folds journal entries through `transition`; the journal's own record of results is the only input. */
export function foldJournal(entries: readonly JournalEntry[]): FoldedRun {
  const typed = runEntries(entries);
  const first = typed[0];
  if (first === undefined || first.type !== 'run_started') {
    throw new JournalCorruptError(
      'the journal does not begin with run_started',
      'The run cannot be resumed; inspect it with agentctl runs show.',
    );
  }
  const started = first.payload;
  let t = startRun(started.start);
  let openIntent: FoldedRun['openIntent'] = null;
  let finished = false;
  const modelTurns: FoldedRun['modelTurns'] = [];
  let lastRequest: ModelRequest | null = null;
  for (const entry of typed) {
    switch (entry.type) {
      case 'effect_intent': {
        const opKey = entry.opKey ?? '';
        // The same effect redone after a crash keeps the seq of its first intent: what it bought since counts.
        const firstSeq: number =
          openIntent !== null && openIntent.opKey === opKey ? openIntent.firstSeq : entry.seq;
        openIntent = { opKey, effect: entry.payload.effect, seq: entry.seq, firstSeq };
        break;
      }
      case 'effect_result':
        t = transition(t.state, entry.payload.event);
        openIntent = null;
        break;
      case 'external_event':
        t = transition(t.state, entry.payload.event);
        break;
      case 'model_request':
        lastRequest = entry.payload;
        break;
      case 'model_response':
        if (entry.payload.replayed === true) break;
        if (lastRequest !== null)
          modelTurns.push({ request: lastRequest, response: entry.payload, seq: entry.seq });
        break;
      case 'run_finished':
        finished = true;
        break;
      case 'run_started':
      case 'run_resumed':
      case 'checkpoint':
      case 'transition':
      case 'model_error':
      case 'tool_call':
      case 'tool_result':
      case 'worktree_restored':
      case 'test_report':
      case 'gate_verdict':
      case 'lock':
      case 'approval_decided':
      case 'publish_intent':
      case 'guard_started':
      case 'guard_decision':
      case 'guard_red':
      case 'guard_locked':
      case 'guard_green':
      case 'guard_off':
      case 'guard_closed':
      case 'publish_result':
        break;
      default: {
        const unhandled: never = entry;
        return unhandled;
      }
    }
  }
  return {
    start: started.start,
    ctx: started.context,
    model: started.model,
    modelSpec: started.modelSpec ?? null,
    state: t.state,
    pending: t.effects,
    openIntent,
    modelTurns,
    finished,
    publish: started.publish ?? null,
  };
}
