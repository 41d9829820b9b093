import { z } from 'zod';
import {
  BudgetLimitsSchema,
  BudgetUsageSchema,
  ChangeVerdictSchema,
  EffectSchema,
  GreenVerdictSchema,
  PhaseSchema,
  RedVerdictSchema,
  ChangedExpectationSchema,
  RunEventSchema,
} from '../core/event-schemas.js';
import { ModelTurn, ToolCall, ToolInputs, type ToolName } from '../core/proposals.js';
import { FailureClass, TestState } from '../core/report.js';
import { GUARD_EVENT_PAYLOADS } from '../guard/events.js';
import { Config } from '../policy/config-schema.js';

/**
 * The version of the event schemas below; it is each journal line's `v`. A change that an older reader would
 * misread bumps it, and a reader refuses lines of a version it does not know (see parse-journal.ts).
 */
export const JOURNAL_EVENT_VERSION = 1 as const;

const ToolNameSchema = z.custom<ToolName>(
  (value) => typeof value === 'string' && Object.hasOwn(ToolInputs, value),
  'unknown tool name',
);

const RunStartSchema = z.strictObject({
  runId: z.string(),
  task: z.string(),
  maxAttempts: z.number().int(),
  limits: BudgetLimitsSchema,
  unattended: z.boolean().exactOptional(),
});

const RunContextSchema = z.strictObject({
  runId: z.string(),
  task: z.string(),
  repoRoot: z.string(),
  worktree: z.string(),
  runDir: z.string(),
  baseSha: z.string(),
  startedAt: z.string(),
  identity: z.strictObject({ name: z.string(), email: z.string() }),
  config: Config,
  depLinks: z.array(z.string()),
});

export const ModelRequestSchema = z.strictObject({
  runId: z.string(),
  task: z.string(),
  phase: PhaseSchema,
  tools: z.array(ToolNameSchema),
  feedback: z.array(z.string()),
  toolResults: z.array(
    z.strictObject({ callId: z.string(), name: z.string(), content: z.string(), isError: z.boolean() }),
  ),
  attempts: z.strictObject({ used: z.number().int(), max: z.number().int() }).exactOptional(),
  unattended: z.boolean().exactOptional(),
});

export const ModelResponseSchema = z.strictObject({
  replayed: z.boolean().exactOptional(),
  turn: ModelTurn,
  usage: z.strictObject({
    inputTokens: z.number(),
    outputTokens: z.number(),
    costUsd: z.number(),
    cacheReadTokens: z.number().exactOptional(),
    cacheWriteTokens: z.number().exactOptional(),
  }),
  meta: z
    .strictObject({
      model: z.string(),
      stopReason: z.string().nullable(),
      requestId: z.string().nullable(),
      attempts: z.number(),
      note: z.string().exactOptional(),
    })
    .exactOptional(),
});

const OpenIntentSchema = z.strictObject({
  opKey: z.string(),
  effect: EffectSchema,
  seq: z.number().int(),
  firstSeq: z.number().int(),
});

const GateVerdictPayload = z.discriminatedUnion('gate', [
  z.strictObject({
    gate: z.literal('NON_BEHAVIORAL'),
    verdict: ChangeVerdictSchema,
    /** The files the change touched, judged between the base tree and the change's tree. */
    inputs: z.strictObject({ files: z.array(z.string()), base: z.string(), tree: z.string() }),
  }),
  z.strictObject({
    gate: z.literal('RED'),
    verdict: RedVerdictSchema,
    /** What evaluateRed was given, so replay can judge again with the code as it is now. */
    inputs: z
      .strictObject({
        reportSha: z.string(),
        patchedFiles: z.array(z.string()),
        assertions: z.record(z.string(), z.number()),
        stubbed: z.strictObject({ ids: z.array(z.string()), names: z.array(z.string()) }).exactOptional(),
        // Failing tests whose failing statement uses nothing production code computed, with that statement.
        unrelated: z.record(z.string(), z.string()).exactOptional(),
        // Existing tests the patch rewrote (old → new), the switch that allows it and the text that must name it.
        changed: z
          .strictObject({
            expectations: z.array(ChangedExpectationSchema),
            allowed: z.boolean(),
            stated: z.string().nullable(),
          })
          .exactOptional(),
        weakened: z.array(z.string()).exactOptional(),
      })
      .exactOptional(),
  }),
  z.strictObject({
    gate: z.literal('GREEN'),
    verdict: GreenVerdictSchema,
    inputs: z
      .strictObject({
        newTestIds: z.array(z.string()),
        lockedChanged: z.array(z.string()),
        targetedSha: z.string(),
        fullSha: z.string().nullable(),
      })
      .exactOptional(),
  }),
]);

const PushResultSchema = z.enum(['pushed', 'up_to_date', 'replaced']);

const PublishIntentPayload = z.discriminatedUnion('step', [
  z.strictObject({ step: z.literal('push'), remote: z.string(), branch: z.string(), sha: z.string() }),
  z.strictObject({ step: z.literal('pull'), repo: z.string(), head: z.string(), base: z.string() }),
  z.strictObject({
    step: z.literal('comment'),
    repo: z.string().nullable(),
    target: z.number().int(),
    bodySha: z.string(),
  }),
]);

const PublishResultPayload = z.discriminatedUnion('step', [
  z.strictObject({
    step: z.literal('push'),
    remote: z.string(),
    branch: z.string(),
    sha: z.string(),
    result: PushResultSchema,
  }),
  z.strictObject({
    step: z.literal('pull'),
    number: z.number().int(),
    url: z.string(),
    created: z.boolean(),
  }),
  z.strictObject({
    step: z.literal('comment'),
    id: z.number(),
    url: z.string(),
    created: z.boolean(),
    bodySha: z.string(),
  }),
]);

/**
 * The payload of every journal event type, one entry each: an event type the runtime writes and this registry
 * lacks does not compile (JournalEventType), and a reader refuses a type it does not list.
 */
export const EVENT_PAYLOADS = {
  run_started: z.strictObject({
    start: RunStartSchema,
    context: RunContextSchema,
    model: z.string(),
    modelSpec: z.string().nullable().exactOptional(),
    /** The `ci fix` publish plan; parsed by ci/publish.ts's PublishPlan, which owns its defaults. */
    publish: z.unknown().exactOptional(),
  }),
  run_resumed: z.strictObject({
    pid: z.number().int(),
    openIntent: OpenIntentSchema.nullable(),
    replayedModelTurns: z.number().int().nonnegative(),
  }),
  run_finished: z.strictObject({ phase: PhaseSchema, attempts: z.number().int(), usage: BudgetUsageSchema }),
  checkpoint: z.strictObject({
    reason: z.enum(['interrupted', 'awaiting_review']),
    step: z.number().int(),
    // Set when Ctrl-C cut an effect short: resume redoes it.
    cutShort: z.strictObject({ opKey: z.string(), effect: z.string() }).exactOptional(),
  }),
  effect_intent: z.strictObject({ effect: EffectSchema }),
  effect_result: z.strictObject({ event: RunEventSchema }),
  external_event: z.strictObject({ event: RunEventSchema }),
  transition: z.strictObject({
    from: PhaseSchema,
    to: PhaseSchema,
    step: z.number().int(),
    attempts: z.number().int(),
    effects: z.array(z.string()),
  }),
  model_request: ModelRequestSchema,
  model_response: ModelResponseSchema,
  model_error: z.strictObject({ message: z.string(), retryable: z.boolean() }),
  tool_call: z.strictObject({ call: ToolCall, policy: z.string() }),
  tool_result: z.strictObject({
    callId: z.string(),
    name: z.string(),
    isError: z.boolean(),
    bytes: z.number().int().nonnegative(),
  }),
  worktree_restored: z.strictObject({
    purpose: z.string(),
    when: z.enum(['before', 'after']),
    tree: z.string(),
    count: z.number().int().nonnegative(),
    paths: z.array(z.string()),
  }),
  test_report: z.strictObject({
    purpose: z.string(),
    argv: z.array(z.string()),
    reportSha: z.string(),
    summary: z.string(),
    exitCode: z.number().nullable(),
    durationMs: z.number(),
    timedOut: z.boolean(),
    sandboxed: z.boolean(),
    tests: z.array(z.strictObject({ id: z.string(), state: TestState, class: FailureClass.exactOptional() })),
    collectionErrors: z.array(z.strictObject({ file: z.string(), class: FailureClass, message: z.string() })),
  }),
  gate_verdict: GateVerdictPayload,
  lock: z.strictObject({ files: z.number().int().nonnegative(), tree: z.string() }),
  approval_decided: z.strictObject({
    decision: z.enum(['approve', 'reject', 'quit', 'edit']),
    by: z.string(),
    reason: z.string().exactOptional(),
    diff: z.string().exactOptional(),
    patchSha: z.string(),
  }),
  publish_intent: PublishIntentPayload,
  publish_result: PublishResultPayload,
  // `agentctl guard` sessions: same journal format, their own events (src/guard/events.ts).
  ...GUARD_EVENT_PAYLOADS,
} as const satisfies Record<string, z.ZodType>;

/** Every event type a run journal may hold. */
export type JournalEventType = keyof typeof EVENT_PAYLOADS;

/** The payload of one event type, as a reader sees it. */
export type EventPayload<T extends JournalEventType> = z.infer<(typeof EVENT_PAYLOADS)[T]>;

/** A journal event: its type and the payload that type carries. Narrow on `type` to read the payload. */
export type JournalEvent = {
  [T in JournalEventType]: { type: T; payload: EventPayload<T> };
}[JournalEventType];

/** True if `type` names a run event (and so has a schema). */
export function isEventType(type: string): type is JournalEventType {
  return Object.hasOwn(EVENT_PAYLOADS, type);
}
