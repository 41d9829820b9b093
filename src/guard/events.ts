import { z } from 'zod';

/** The hosts whose hook protocols `agentctl guard` speaks. */
export const GUARD_HOSTS = ['claude', 'codex', 'gemini'] as const;
export type GuardHost = (typeof GUARD_HOSTS)[number];

/** Where a guard session stands: tests may be written, tests are locked, guard is off, or a cycle closed GREEN. */
export const GuardPhaseSchema = z.enum(['tests', 'locked', 'off', 'closed']);
export type GuardPhase = z.infer<typeof GuardPhaseSchema>;

const Sha = z.string().regex(/^[0-9a-f]{40,64}$/);

/** One new or changed test, judged on the base production code. */
const JudgementSchema = z.strictObject({
  id: z.string(),
  file: z.string(),
  ok: z.boolean(),
  reason: z.string(),
  message: z.string(),
});

/**
 * Payloads of the events a guard session journal holds, added to the run event registry (run-events.ts) so the
 * same strict reader, hash chain and `audit verify` apply to them.
 */
export const GUARD_EVENT_PAYLOADS = {
  guard_started: z.strictObject({
    session: z.string(),
    host: z.enum(GUARD_HOSTS),
    base: Sha,
    cycle: z.number().int().nonnegative(),
  }),
  guard_decision: z.strictObject({
    host: z.enum(GUARD_HOSTS),
    event: z.string(),
    tool: z.string().nullable(),
    paths: z.array(z.string()),
    decision: z.enum(['allow', 'deny']),
    rule: z.string(),
    reason: z.string(),
  }),
  guard_red: z.strictObject({
    ok: z.boolean(),
    snapshot: Sha,
    trigger: z.string(),
    judgements: z.array(JudgementSchema),
    message: z.string(),
  }),
  guard_locked: z.strictObject({
    files: z.array(z.strictObject({ path: z.string(), sha256: z.string().nullable() })),
  }),
  guard_green: z.strictObject({
    ok: z.boolean(),
    snapshot: Sha,
    failures: z.array(z.string()),
    evidence: z.string().nullable(),
  }),
  guard_off: z.strictObject({ by: z.string(), reason: z.string() }),
  guard_closed: z.strictObject({ snapshot: Sha }),
} as const satisfies Record<string, z.ZodType>;
