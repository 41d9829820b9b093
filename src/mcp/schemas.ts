import { z } from 'zod';
import { RULES, type CiVerdict, type RuleId } from '../ci/verdict.js';
import { ChangeVerdictSchema, GreenVerdictSchema, RedVerdictSchema } from '../core/event-schemas.js';
import { PHASES } from '../core/phases.js';
import { ProposeFixInput, ProposeTestInput } from '../core/proposals.js';

/** A run id as `runs show` takes it: the id, a unique prefix of one, or `last`. */
const RunIdInput = z.string().min(1).max(100).describe('A run id, a unique prefix of one, or last');

/** `verify_red`: the test patch, exactly what a model's `propose_test` gives. */
export const VerifyRedInput = z.object({
  test: ProposeTestInput.describe('The test patch: test files only, as propose_test takes it'),
});

/** `gated_apply`: the test patch and the fix patch, as `propose_test` and `propose_fix` take them. */
export const GatedApplyInput = z.object({
  task: z.string().min(1).max(4000).optional().describe('What the change is for; default the fix summary'),
  test: ProposeTestInput.describe('The test patch: test files only; must fail for the right reason (RED)'),
  fix: ProposeFixInput.describe('The fix patch: production files only; must make the suite pass (GREEN)'),
});

/** `start_fix`: a task for agentctl's own model. */
export const StartFixInput = z.object({
  task: z.string().min(1).max(20_000).describe('What to fix, in plain words'),
  model: z
    .string()
    .min(1)
    .optional()
    .describe('Model spec, e.g. anthropic:claude-sonnet-4-6 or scripted:<cassette.json>; default the config'),
  maxAttempts: z.number().int().min(1).max(20).optional().describe('Failed attempts before escalating'),
});

/** `get_run` and `run_show`: which run. */
export const RunRefInput = z.object({ runId: RunIdInput });

/** `ci_check`: the two commits, as `agentctl ci check` takes them. */
export const CiCheckInput = z.object({
  base: z.string().min(1).describe('The base commit or ref, e.g. origin/main'),
  head: z.string().min(1).optional().describe('The head commit or ref; default HEAD'),
  allowTestChanges: z
    .boolean()
    .optional()
    .describe('Report deleted, skipped or weakened tests as notes instead of failures'),
});

/** A gate's verdict as the run journaled it. */
export const GateVerdictOutput = z.discriminatedUnion('gate', [
  z.object({ gate: z.literal('RED'), seq: z.number().int(), verdict: RedVerdictSchema }),
  z.object({ gate: z.literal('GREEN'), seq: z.number().int(), verdict: GreenVerdictSchema }),
  z.object({ gate: z.literal('NON_BEHAVIORAL'), seq: z.number().int(), verdict: ChangeVerdictSchema }),
]);
export type GateVerdictOutput = z.infer<typeof GateVerdictOutput>;

/** A proposal the runtime refused before any gate ran (scope, lock, a patch that does not apply). */
export const RefusalOutput = z.object({
  seq: z.number().int(),
  patchKind: z.enum(['test', 'fix', 'change']),
  rule: z.string(),
  message: z.string(),
});
export type RefusalOutput = z.infer<typeof RefusalOutput>;

/** A run as its journal folds: the same fold `runs list` and `resume` use. */
export const RunView = z.object({
  runId: z.string(),
  task: z.string(),
  phase: z.enum(PHASES),
  status: z
    .enum(['running', 'finished', 'stopped'])
    .describe(
      'running: this server drives it; finished: terminal; stopped: paused, interrupted or elsewhere',
    ),
  attempts: z.number().int(),
  verdicts: z.array(GateVerdictOutput),
  refusals: z.array(RefusalOutput),
  commit: z.string().nullable().describe('The commit on the run branch, once DONE'),
  branch: z.string().nullable().describe('agentctl/<run-id>, once DONE'),
  reason: z.string().nullable().describe('Why the run ended, when it did not commit'),
  runDir: z.string().describe('Where the journal, reports and evidence live'),
  evidence: z.string().nullable().describe('evidence.md, once the run has ended'),
});
export type RunView = z.infer<typeof RunView>;

/** `verify_red`: whether the test is accepted as RED, and why. */
export const VerifyRedOutput = z.object({
  runId: z.string(),
  accepted: z.boolean(),
  message: z.string(),
  red: RedVerdictSchema.nullable().describe('The RED verdict, when the test reached the gate'),
  refusal: RefusalOutput.nullable().describe('Why the patch was refused before RED, when it was'),
  runDir: z.string(),
});
export type VerifyRedOutput = z.infer<typeof VerifyRedOutput>;

/** `gated_apply`: the run and how it ended. */
export const GatedApplyOutput = RunView.extend({
  committed: z.boolean(),
  exitCode: z.number().int().nullable().describe('What agentctl fix exited with (DESIGN.md exit codes)'),
});
export type GatedApplyOutput = z.infer<typeof GatedApplyOutput>;

/** `start_fix`: the run to poll with `get_run`. */
export const StartFixOutput = z.object({ runId: z.string(), runDir: z.string() });

/** `run_show`: the timeline `agentctl runs show` prints, one entry per journal line. */
export const RunShowOutput = z.object({
  runId: z.string(),
  entries: z.array(
    z.object({
      seq: z.number().int(),
      time: z.string(),
      phase: z.string(),
      type: z.string(),
      text: z.string(),
    }),
  ),
});

const CheckId = z.enum(['behavior', 'evidence', 'integrity', 'runner_env', 'suite']);

/** The verdict `agentctl ci check --json` prints, as a schema (its type lives in src/ci/verdict.ts). */
export const CiVerdictOutput = z.object({
  ok: z.boolean(),
  base: z.string(),
  head: z.string(),
  mergeBase: z.string(),
  changes: z.array(
    z.object({
      path: z.string(),
      status: z.enum(['added', 'modified', 'deleted']),
      category: z.enum(['test', 'test_config', 'dependency', 'production', 'non_code']),
      behaviorChanging: z.boolean(),
      reason: z.string(),
    }),
  ),
  checks: z.array(
    z.object({
      id: CheckId,
      title: z.string(),
      status: z.enum(['pass', 'fail', 'skipped']),
      summary: z.string(),
    }),
  ),
  findings: z.array(
    z.object({
      check: CheckId,
      rule: z.enum(Object.keys(RULES) as [RuleId, ...RuleId[]]),
      message: z.string(),
      file: z.string().exactOptional(),
      line: z.number().exactOptional(),
      testId: z.string().exactOptional(),
    }),
  ),
  evidence: z.array(
    z.object({
      id: z.string(),
      file: z.string(),
      counts: z.boolean(),
      onBase: z.string(),
      onHead: z.enum(['passed', 'failed', 'skipped', 'todo', 'not run']),
      stubbed: z.array(z.string()),
      changedExpectation: z.object({ old: z.array(z.string()), new: z.array(z.string()) }).exactOptional(),
    }),
  ),
  sandboxed: z.boolean().nullable().exactOptional(),
  notes: z.array(z.string()),
  runnerOutput: z
    .array(z.object({ side: z.enum(['base', 'head']), message: z.string(), outputTail: z.string() }))
    .exactOptional(),
});

// The schema and the type must describe the same verdict: each is assignable to the other, or this fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameVerdict: Same<z.infer<typeof CiVerdictOutput>, CiVerdict> = true;
void sameVerdict;
