import { z } from 'zod';
import type { BudgetLimits, BudgetUsage } from './budget.js';
import type { Effect, RunEvent } from './events.js';
import type {
  BaselineError,
  BaselineSummary,
  ChangeVerdict,
  FailureNote,
  GreenVerdict,
  LockRecord,
  PatchRef,
  RedVerdict,
} from './evidence.js';
import { PHASES, TERMINAL_PHASES } from './phases.js';
import { ModelTurn, ProposeChangeInput, ProposeFixInput, ProposeTestInput } from './proposals.js';
import { FailureClass } from './report.js';

// Strict objects throughout: a field the types do not know is refused, never dropped, so what a reader folds is
// exactly what was written (replay compares effects by their canonical JSON).

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

export const PhaseSchema = z.enum(PHASES);
export const TerminalPhaseSchema = z.enum(TERMINAL_PHASES);

export const BudgetLimitsSchema = z.strictObject({
  maxTurns: z.number(),
  maxInputTokens: z.number(),
  maxOutputTokens: z.number(),
  maxCostUsd: z.number(),
  maxWallMs: z.number(),
});

export const BudgetUsageSchema = z.strictObject({
  turns: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  wallMs: z.number(),
});

// `Partial<BudgetUsage>`: a field is absent or a number (zod's `.partial()` would also admit `undefined`).
const BudgetUsagePartSchema = z.strictObject({
  turns: z.number().exactOptional(),
  inputTokens: z.number().exactOptional(),
  outputTokens: z.number().exactOptional(),
  costUsd: z.number().exactOptional(),
  wallMs: z.number().exactOptional(),
});

export const PatchRefSchema = z.strictObject({
  sha: Sha256,
  diff: z.string(),
  files: z.array(z.string()),
  summary: z.string(),
  changedLines: z.number().int().nonnegative(),
  tree: z.string().exactOptional(),
  reason: z.string().exactOptional(),
});

export const FailureNoteSchema = z.strictObject({
  id: z.string(),
  class: FailureClass,
  message: z.string(),
  at: z.string().exactOptional(),
});

export const ChangedExpectationSchema = z.strictObject({
  id: z.string(),
  old: z.array(z.string()),
  new: z.array(z.string()),
});

export const RedVerdictSchema = z.strictObject({
  ok: z.boolean(),
  reason: z.enum([
    'red',
    'passes',
    'wrong_reason',
    'no_new_tests',
    'no_assertions',
    'broke_existing',
    'expectation_unnamed',
    'expectations_locked',
    'run_failed',
  ]),
  message: z.string(),
  newTestIds: z.array(z.string()),
  failures: z.array(FailureNoteSchema),
  reportSha: z.string(),
  changedExpectations: z.array(ChangedExpectationSchema).exactOptional(),
});

export const LockRecordSchema = z.strictObject({
  hashes: z.record(z.string(), z.string()),
  testIds: z.array(z.string()),
  assertionCounts: z.record(z.string(), z.number()),
  tree: z.string(),
});

export const GreenVerdictSchema = z.strictObject({
  ok: z.boolean(),
  reason: z.enum([
    'green',
    'new_tests_fail',
    'suite_fails',
    'tests_lost',
    'skip_added',
    'locked_changed',
    'run_failed',
  ]),
  message: z.string(),
  failures: z.array(FailureNoteSchema),
  reportSha: z.string(),
  reverted: z.array(z.string()),
  preexistingFailures: z.array(z.string()),
});

export const ChangeVerdictSchema = z.strictObject({
  ok: z.boolean(),
  reason: z.enum(['non_behavioral', 'behavior_change', 'tests_locked']),
  message: z.string(),
  files: z.array(z.strictObject({ path: z.string(), reason: z.string() })),
});

export const BaselineErrorSchema = z.strictObject({
  file: z.string(),
  class: FailureClass,
  message: z.string(),
});

export const BaselineSummarySchema = z.strictObject({
  testIds: z.array(z.string()),
  failing: z.array(z.string()),
  skipped: z.array(z.string()),
  reportSha: z.string(),
  collectionErrors: z.number().int().nonnegative(),
  errors: z.array(BaselineErrorSchema).exactOptional(),
});

const PatchKind = z.enum(['test', 'fix', 'change']);

/** Every `RunEvent`, as read back from a journal. */
export const RunEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('baseline_ran'), baseline: BaselineSummarySchema }),
  z.strictObject({ type: z.literal('baseline_failed'), message: z.string() }),
  z.strictObject({ type: z.literal('model_turn'), turn: ModelTurn, usage: BudgetUsagePartSchema }),
  z.strictObject({ type: z.literal('model_failed'), message: z.string(), retryable: z.boolean() }),
  z.strictObject({ type: z.literal('patch_applied'), patchKind: PatchKind, patch: PatchRefSchema }),
  z.strictObject({
    type: z.literal('patch_refused'),
    patchKind: PatchKind,
    rule: z.string(),
    message: z.string(),
    patch: PatchRefSchema.exactOptional(),
  }),
  z.strictObject({ type: z.literal('red_checked'), verdict: RedVerdictSchema }),
  z.strictObject({ type: z.literal('tests_locked'), lock: LockRecordSchema }),
  z.strictObject({ type: z.literal('green_checked'), verdict: GreenVerdictSchema }),
  z.strictObject({
    type: z.literal('change_checked'),
    change: ChangeVerdictSchema,
    green: GreenVerdictSchema.nullable(),
  }),
  z.strictObject({
    type: z.literal('review_decided'),
    decision: z.enum(['approve', 'reject', 'quit', 'edit']),
    patchSha: z.string(),
    by: z.string(),
    reason: z.string().exactOptional(),
    diff: z.string().exactOptional(),
  }),
  z.strictObject({ type: z.literal('user_answered'), answer: z.string() }),
  z.strictObject({ type: z.literal('committed'), sha: z.string(), branch: z.string() }),
  z.strictObject({ type: z.literal('finished') }),
  z.strictObject({ type: z.literal('aborted'), reason: z.string() }),
  z.strictObject({ type: z.literal('budget_extended'), limits: BudgetLimitsSchema }),
  z.strictObject({
    type: z.literal('pushed'),
    remote: z.string(),
    branch: z.string(),
    sha: z.string(),
    result: z.enum(['pushed', 'up_to_date', 'replaced']),
  }),
  z.strictObject({
    type: z.literal('pull_request_opened'),
    number: z.number().int(),
    url: z.string(),
    created: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('commented'),
    id: z.number(),
    url: z.string(),
    created: z.boolean(),
    bodySha: z.string(),
  }),
]);

/** Every `Effect`, as read back from a journal. */
export const EffectSchema = z.union([
  z.strictObject({ kind: z.literal('run_baseline') }),
  z.strictObject({ kind: z.literal('ask_model'), phase: PhaseSchema, feedback: z.array(z.string()) }),
  z.strictObject({
    kind: z.literal('apply_patch'),
    patchKind: z.literal('test'),
    input: ProposeTestInput,
    resetTo: z.literal('base'),
  }),
  z.strictObject({
    kind: z.literal('apply_patch'),
    patchKind: z.literal('fix'),
    input: ProposeFixInput,
    resetTo: z.string(),
  }),
  z.strictObject({
    kind: z.literal('apply_patch'),
    patchKind: z.literal('change'),
    input: ProposeChangeInput,
    resetTo: z.literal('base'),
  }),
  z.strictObject({ kind: z.literal('verify_red'), patch: PatchRefSchema }),
  z.strictObject({ kind: z.literal('lock_tests'), patch: PatchRefSchema }),
  z.strictObject({
    kind: z.literal('verify_green'),
    lock: LockRecordSchema,
    newTestIds: z.array(z.string()),
    fix: PatchRefSchema,
  }),
  z.strictObject({ kind: z.literal('verify_change'), patch: PatchRefSchema }),
  z.strictObject({
    kind: z.literal('request_review'),
    patch: PatchRefSchema,
    testPatch: PatchRefSchema,
    red: RedVerdictSchema,
    green: GreenVerdictSchema,
    notice: z.string().exactOptional(),
  }),
  z.strictObject({
    kind: z.literal('request_review'),
    patch: PatchRefSchema,
    change: ChangeVerdictSchema,
    green: GreenVerdictSchema,
    notice: z.string().exactOptional(),
  }),
  z.strictObject({ kind: z.literal('ask_user'), question: z.string() }),
  z.strictObject({
    kind: z.literal('commit'),
    testPatch: PatchRefSchema,
    fixPatch: PatchRefSchema,
    red: RedVerdictSchema,
    green: GreenVerdictSchema,
    approvedBy: z.string(),
  }),
  z.strictObject({
    kind: z.literal('commit'),
    changePatch: PatchRefSchema,
    change: ChangeVerdictSchema,
    green: GreenVerdictSchema,
    approvedBy: z.string(),
  }),
  z.strictObject({ kind: z.literal('finish'), outcome: TerminalPhaseSchema, reason: z.string() }),
  z.strictObject({
    kind: z.literal('publish_push'),
    remote: z.string(),
    branch: z.string(),
    sha: z.string(),
  }),
  z.strictObject({
    kind: z.literal('publish_pull'),
    repo: z.string(),
    head: z.string(),
    base: z.string(),
    title: z.string(),
    closes: z.number().int().positive().nullable(),
  }),
  z.strictObject({
    kind: z.literal('publish_comment'),
    repo: z.string(),
    target: z.number().int().positive(),
    bodySha: z.string(),
  }),
]);

// Compile-time proof that each schema describes its hand-written type exactly: change one without the other and
// `npm run typecheck` fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameKeys<A, B> = Same<keyof A, keyof B>;
const schemaMatchesType = {
  budgetLimits: true satisfies Same<z.infer<typeof BudgetLimitsSchema>, BudgetLimits>,
  budgetUsage: true satisfies Same<z.infer<typeof BudgetUsageSchema>, BudgetUsage>,
  patchRef: true satisfies Same<z.infer<typeof PatchRefSchema>, PatchRef>,
  patchRefKeys: true satisfies SameKeys<z.infer<typeof PatchRefSchema>, PatchRef>,
  failureNote: true satisfies Same<z.infer<typeof FailureNoteSchema>, FailureNote>,
  red: true satisfies Same<z.infer<typeof RedVerdictSchema>, RedVerdict>,
  lock: true satisfies Same<z.infer<typeof LockRecordSchema>, LockRecord>,
  green: true satisfies Same<z.infer<typeof GreenVerdictSchema>, GreenVerdict>,
  change: true satisfies Same<z.infer<typeof ChangeVerdictSchema>, ChangeVerdict>,
  baselineError: true satisfies Same<z.infer<typeof BaselineErrorSchema>, BaselineError>,
  baseline: true satisfies Same<z.infer<typeof BaselineSummarySchema>, BaselineSummary>,
  baselineKeys: true satisfies SameKeys<z.infer<typeof BaselineSummarySchema>, BaselineSummary>,
  event: true satisfies Same<z.infer<typeof RunEventSchema>, RunEvent>,
  eventTypes: true satisfies Same<z.infer<typeof RunEventSchema>['type'], RunEvent['type']>,
  effect: true satisfies Same<z.infer<typeof EffectSchema>, Effect>,
  effectKinds: true satisfies Same<z.infer<typeof EffectSchema>['kind'], Effect['kind']>,
};
void schemaMatchesType;
