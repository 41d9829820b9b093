import { addUsage, exhaustedBudget, type BudgetUsage } from './budget.js';
import { dataBlock } from './data-block.js';
import { isPublishEvent, type Effect, type RunEvent } from './events.js';
import type { AttemptRecord, ChangeVerdict, GreenVerdict, PatchRef } from './evidence.js';
import { isTerminal, type TerminalPhase } from './phases.js';
import { redAcceptedFeedback, redRefusedFeedback } from './red-feedback.js';
import {
  describeIssues,
  READ_ONLY_TOOLS,
  ToolInputs,
  type ModelTurn,
  type Proposal,
  type ToolName,
} from './proposals.js';
import {
  initialState,
  type AuthoringState,
  type PendingEdit,
  type RunStart,
  type RunState,
  type StateOf,
} from './state.js';
import { refusalReason, toolsForPhase } from '../policy/tool-routing.js';

/** The machine's answer to an event: the next state and what the runtime must do. */
export interface Transition {
  state: RunState;
  effects: Effect[];
}

/** The first transition of every run: run the suite once to know where we stand. */
export function startRun(start: RunStart): Transition {
  return { state: initialState(start), effects: [{ kind: 'run_baseline' }] };
}

/**
 * Pure and exhaustive: given the state and what the runtime observed, decide the next state and at most one
 * effect. It performs nothing; src/runtime executes the effect and feeds its outcome back as an event.
 */
export function transition(prev: RunState, event: RunEvent): Transition {
  const state: RunState = { ...prev, step: prev.step + 1 };
  if (state.phase === 'BUDGET_EXHAUSTED' && event.type === 'budget_extended') {
    const resumed = { ...state.suspended, step: state.step, limits: event.limits };
    return ask(resumed);
  }
  if (isEnded(state)) return { state: prev, effects: [] };
  // Publishing reports a stopped run to the world (see src/ci/publish.ts); the machine's state does not change.
  if (isPublishEvent(event)) return { state: prev, effects: [] };
  if (event.type === 'aborted') return finish({ ...state, phase: 'ABORTED', reason: event.reason });

  switch (state.phase) {
    case 'ORIENT':
      if (event.type === 'baseline_ran') return ask({ ...state, baseline: event.baseline });
      if (event.type === 'baseline_failed')
        return finish({
          ...state,
          phase: 'FAILED',
          cause: 'environment',
          reason: `could not run the test suite: ${event.message}`,
        });
      return onModelEvent(state, event);
    case 'AUTHOR_TEST':
      if (event.type === 'patch_applied' && event.patchKind === 'test') {
        return one(
          { ...state, phase: 'VERIFY_RED', testPatch: event.patch },
          { kind: 'verify_red', patch: event.patch },
        );
      }
      if (event.type === 'patch_applied' && event.patchKind === 'change') {
        return one(
          { ...state, phase: 'VERIFY_CHANGE', changePatch: event.patch },
          { kind: 'verify_change', patch: event.patch },
        );
      }
      if (event.type === 'patch_refused')
        return failAttempt(state, {
          phase: 'AUTHOR_TEST',
          kind: 'scope',
          reason: event.message,
          ...(event.patch !== undefined && { patch: event.patch }),
        });
      return onModelEvent(state, event);
    case 'VERIFY_RED':
      if (event.type !== 'red_checked') return unexpected(state, event);
      if (event.verdict.ok) {
        return one(
          { ...state, phase: 'LOCK', red: event.verdict },
          { kind: 'lock_tests', patch: state.testPatch },
        );
      }
      return failAttempt(
        { ...state, phase: 'AUTHOR_TEST' },
        {
          phase: 'VERIFY_RED',
          kind: 'red_failed',
          reason: event.verdict.message,
          patch: state.testPatch,
          failures: event.verdict.failures,
          reportSha: event.verdict.reportSha,
        },
      );
    case 'LOCK':
      if (event.type !== 'tests_locked') return unexpected(state, event);
      return ask({
        ...state,
        phase: 'AUTHOR_FIX',
        lock: event.lock,
        feedback: [...state.feedback, redAcceptedFeedback(state.red, state.attempts, state.maxAttempts)],
      });
    case 'AUTHOR_FIX':
      if (event.type === 'patch_applied' && event.patchKind === 'fix') {
        return one(
          { ...state, phase: 'VERIFY_GREEN', fixPatch: event.patch },
          { kind: 'verify_green', lock: state.lock, newTestIds: state.red.newTestIds, fix: event.patch },
        );
      }
      if (state.edit !== undefined) {
        if (event.type !== 'patch_refused') return unexpected(state, event);
        return backToReview(state, state.edit, `your edit was refused (${event.rule}): ${event.message}`);
      }
      if (event.type === 'patch_refused')
        return failAttempt(state, {
          phase: 'AUTHOR_FIX',
          kind: 'scope',
          reason: event.message,
          ...(event.patch !== undefined && { patch: event.patch }),
        });
      return onModelEvent(state, event);
    case 'VERIFY_GREEN': {
      if (event.type !== 'green_checked') return unexpected(state, event);
      if (!event.verdict.ok && state.edit !== undefined)
        return backToReview(state, state.edit, `your edit is not GREEN: ${event.verdict.message}`);
      if (event.verdict.ok) {
        const { edit: _edit, ...earned } = state;
        const next: StateOf<'REVIEW'> = { ...earned, phase: 'REVIEW', green: event.verdict };
        return one(next, {
          kind: 'request_review',
          patch: state.fixPatch,
          testPatch: state.testPatch,
          red: state.red,
          green: event.verdict,
        });
      }
      const { fixPatch, ...rest } = state;
      return failAttempt(
        { ...rest, phase: 'AUTHOR_FIX' },
        {
          phase: 'VERIFY_GREEN',
          kind: 'green_failed',
          reason: event.verdict.message,
          patch: fixPatch,
          failures: event.verdict.failures,
          reportSha: event.verdict.reportSha,
        },
      );
    }
    case 'VERIFY_CHANGE':
      if (event.type !== 'change_checked') return unexpected(state, event);
      return onChangeChecked(state, event.change, event.green);
    case 'REVIEW': {
      if (event.type !== 'review_decided') return unexpected(state, event);
      if ('changePatch' in state) return onChangeReview(state, event);
      // An approval binds to the exact patch shown; anything else is asked again.
      if (event.patchSha !== state.fixPatch.sha) {
        return one(state, {
          kind: 'request_review',
          patch: state.fixPatch,
          testPatch: state.testPatch,
          red: state.red,
          green: state.green,
        });
      }
      if (event.decision === 'quit') return { state, effects: [] };
      if (event.decision === 'edit') {
        // The reviewer's version goes through scope, apply and GREEN like any fix, from the locked tree.
        const { fixPatch, green, ...rest } = state;
        return one(
          { ...rest, phase: 'AUTHOR_FIX', edit: { by: event.by, previous: fixPatch, previousGreen: green } },
          {
            kind: 'apply_patch',
            patchKind: 'fix',
            input: {
              summary: `${fixPatch.summary} (edited by ${event.by} at review)`,
              diff: event.diff ?? '',
            },
            resetTo: state.lock.tree,
          },
        );
      }
      if (event.decision === 'approve') {
        return one(
          { ...state, phase: 'COMMIT', approvedBy: event.by },
          {
            kind: 'commit',
            testPatch: state.testPatch,
            fixPatch: state.fixPatch,
            red: state.red,
            green: state.green,
            approvedBy: event.by,
          },
        );
      }
      const { fixPatch, green: _green, ...rest } = state;
      return failAttempt(
        { ...rest, phase: 'AUTHOR_FIX' },
        {
          phase: 'REVIEW',
          kind: 'rejected',
          reason: `rejected by ${event.by}: ${event.reason ?? 'no reason given'}`,
          patch: fixPatch,
        },
      );
    }
    case 'COMMIT':
      if (event.type !== 'committed') return unexpected(state, event);
      {
        const commit = { sha: event.sha, branch: event.branch };
        // Either path keeps its own evidence into DONE.
        return finish(
          'changePatch' in state ? { ...state, phase: 'DONE', commit } : { ...state, phase: 'DONE', commit },
        );
      }
    default: {
      // Terminal phases returned above; the compiler proves every other phase is handled.
      const never: never = state;
      return never;
    }
  }
}

type ChangeReviewState = Extract<StateOf<'REVIEW'>, { changePatch: PatchRef }>;

/**
 * A `propose_change` judged: non-behavioral and GREEN goes to review like a fix; anything else is one failed
 * attempt, and the run goes on in AUTHOR_TEST, where the model may take the RED path.
 */
function onChangeChecked(
  state: StateOf<'VERIFY_CHANGE'>,
  change: ChangeVerdict,
  green: GreenVerdict | null,
): Transition {
  const { changePatch, ...rest } = state;
  if (change.ok && green?.ok === true) {
    const next: ChangeReviewState = { ...state, phase: 'REVIEW', change, green };
    return one(next, { kind: 'request_review', patch: changePatch, change, green });
  }
  const gate = !change.ok
    ? change.message
    : `the whole suite must stay green: ${green?.message ?? 'not run'}`;
  return failAttempt(
    { ...rest, phase: 'AUTHOR_TEST' },
    {
      phase: 'VERIFY_CHANGE',
      kind: 'change_refused',
      reason: `propose_change refused: ${gate}`,
      patch: changePatch,
      ...(green !== null && !green.ok ? { failures: green.failures, reportSha: green.reportSha } : {}),
    },
  );
}

/** Review of a non-behavioral change: approve commits it; reject counts an attempt; an edit is not taken here. */
function onChangeReview(
  state: ChangeReviewState,
  event: Extract<RunEvent, { type: 'review_decided' }>,
): Transition {
  const again = (notice?: string): Transition =>
    one(state, {
      kind: 'request_review',
      patch: state.changePatch,
      change: state.change,
      green: state.green,
      ...(notice !== undefined ? { notice } : {}),
    });
  // An approval binds to the exact patch shown; anything else is asked again.
  if (event.patchSha !== state.changePatch.sha) return again();
  switch (event.decision) {
    case 'quit':
      return { state, effects: [] };
    case 'edit':
      return again(
        'a non-behavioral change is approved or rejected as proposed; reject it with a reason instead',
      );
    case 'approve':
      return one(
        { ...state, phase: 'COMMIT', approvedBy: event.by },
        {
          kind: 'commit',
          changePatch: state.changePatch,
          change: state.change,
          green: state.green,
          approvedBy: event.by,
        },
      );
    case 'reject': {
      const { changePatch, change: _change, green: _green, ...rest } = state;
      return failAttempt(
        { ...rest, phase: 'AUTHOR_TEST' },
        {
          phase: 'REVIEW',
          kind: 'rejected',
          reason: `rejected by ${event.by}: ${event.reason ?? 'no reason given'}`,
          patch: changePatch,
        },
      );
    }
    default: {
      const never: never = event.decision;
      return never;
    }
  }
}

/** A reviewer's edit that did not make it: the GREEN patch it replaced is reviewed again, with the reason. */
function backToReview(
  state: StateOf<'AUTHOR_FIX'> | StateOf<'VERIFY_GREEN'>,
  edit: PendingEdit,
  notice: string,
): Transition {
  const { edit: _edit, ...rest } = state;
  const next: StateOf<'REVIEW'> = {
    ...rest,
    phase: 'REVIEW',
    fixPatch: edit.previous,
    green: edit.previousGreen,
  };
  return one(next, {
    kind: 'request_review',
    patch: edit.previous,
    testPatch: state.testPatch,
    red: state.red,
    green: edit.previousGreen,
    notice,
  });
}

function onModelEvent(state: AuthoringState, event: RunEvent): Transition {
  switch (event.type) {
    case 'model_turn':
      return onTurn(state, event.turn, event.usage);
    case 'model_failed':
      return finish({
        ...state,
        phase: 'FAILED',
        cause: 'model',
        reason: `model unavailable: ${event.message}`,
      });
    case 'user_answered':
      return ask({ ...state, feedback: [...state.feedback, `The user answered: ${event.answer}`] });
    case 'baseline_ran':
    case 'baseline_failed':
    case 'patch_applied':
    case 'patch_refused':
    case 'red_checked':
    case 'tests_locked':
    case 'green_checked':
    case 'change_checked':
    case 'review_decided':
    case 'committed':
    case 'finished':
    case 'aborted':
    case 'budget_extended':
    case 'pushed':
    case 'pull_request_opened':
    case 'commented':
      return unexpected(state, event);
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/** Validates one model turn against the phase's tools and schemas; every refusal counts as an attempt. */
function onTurn(state0: AuthoringState, turn: ModelTurn, usage: Partial<BudgetUsage>): Transition {
  const state = { ...state0, usage: addUsage(state0.usage, usage) };
  const audience = { unattended: state.unattended === true };
  const allowed = toolsForPhase(state.phase, audience);
  const errors: string[] = [];
  let refused = false;
  const proposals: Proposal[] = [];
  for (const call of turn.calls) {
    if (!(call.name in ToolInputs)) {
      errors.push(`unknown tool "${call.name}"; available: ${allowed.join(', ')}`);
      continue;
    }
    const name = call.name as ToolName;
    if (!allowed.includes(name)) {
      refused = true;
      errors.push(refusalReason(name, state.phase, audience));
      continue;
    }
    if (READ_ONLY_TOOLS.includes(name)) continue;
    const parsed = ToolInputs[name].safeParse(call.input);
    if (!parsed.success) {
      errors.push(`${name}: invalid input: ${describeIssues(parsed.error)}`);
      continue;
    }
    proposals.push({ kind: name, input: parsed.data } as Proposal);
  }
  if (errors.length === 0 && proposals.length > 1) {
    errors.push(`one proposal per turn; got ${proposals.map((p) => p.kind).join(', ')}`);
  }

  if (errors.length > 0) {
    return failAttempt(state, {
      phase: state.phase,
      kind: refused ? 'refused' : 'malformed',
      reason: errors.join(' | '),
    });
  }
  const proposal = proposals[0];
  if (proposal === undefined) {
    if (state.phase === 'ORIENT') return ask({ ...state, phase: 'AUTHOR_TEST' });
    return ask({
      ...state,
      feedback: [...state.feedback, `No proposal in your last turn. Call one of: ${allowed.join(', ')}.`],
    });
  }
  switch (proposal.kind) {
    case 'propose_test':
      return one(state, { kind: 'apply_patch', patchKind: 'test', input: proposal.input, resetTo: 'base' });
    case 'propose_change':
      return one(state, { kind: 'apply_patch', patchKind: 'change', input: proposal.input, resetTo: 'base' });
    case 'propose_fix':
      if (state.phase !== 'AUTHOR_FIX') return unexpected(state, { type: 'finished' });
      return one(state, {
        kind: 'apply_patch',
        patchKind: 'fix',
        input: proposal.input,
        resetTo: state.lock.tree,
      });
    case 'ask_user':
      return one(state, { kind: 'ask_user', question: proposal.input.question });
    case 'give_up':
      return finish({ ...state, phase: 'ESCALATED', reason: `the model gave up: ${proposal.input.reason}` });
    default: {
      const never: never = proposal;
      return never;
    }
  }
}

type EndedState = Extract<RunState, { phase: TerminalPhase }>;

function isEnded(state: RunState): state is EndedState {
  return isTerminal(state.phase);
}

/** Counts one failed attempt; at the cap the run escalates with its evidence, otherwise the model tries again. */
function failAttempt(state: AuthoringState, record: Omit<AttemptRecord, 'n'>): Transition {
  const n = state.attempts + 1;
  const history = [...state.history, { ...record, n }];
  const next = { ...state, attempts: n, history };
  if (n >= state.maxAttempts) {
    return finish({
      ...next,
      phase: 'ESCALATED',
      reason: `${n} failed attempts (cap ${state.maxAttempts}); last: ${record.reason}`,
    });
  }
  // A gate verdict quotes test output (ids, messages, stacks): repository text, so it goes to the model as data.
  const told =
    record.kind === 'red_failed'
      ? redRefusedFeedback(n, state.maxAttempts, record.reason, record.failures ?? [])
      : record.kind === 'green_failed'
        ? `Attempt ${n} of ${state.maxAttempts} failed (${record.kind}). The gate's verdict quotes test output and follows as data:\n${dataBlock('GREEN gate verdict', record.reason)}`
        : record.kind === 'change_refused'
          ? changeRefusedFeedback(n, state.maxAttempts, record.reason, record.reportSha !== undefined)
          : `Attempt ${n} of ${state.maxAttempts} failed (${record.kind}): ${record.reason}`;
  return ask({ ...next, feedback: [...state.feedback, told] });
}

/** A refused `propose_change`: the reason (as data when it quotes test output), and the way on: RED. */
function changeRefusedFeedback(n: number, max: number, reason: string, quotesTests: boolean): string {
  const head = `Attempt ${n} of ${max} failed (change_refused).`;
  const next = 'The run goes on in AUTHOR_TEST: show the behavior with a failing test (propose_test).';
  return quotesTests
    ? `${head} ${next} The verdict quotes test output and follows as data:\n${dataBlock('propose_change verdict', reason)}`
    : `${head} ${reason}. ${next}`;
}

/**
 * Asks the model, unless a budget is spent: then the run is suspended with its full state (feedback included),
 * so `resume --budget` continues exactly here. Checking before the call means no bought response is discarded.
 */
function ask(state: AuthoringState): Transition {
  const spent = exhaustedBudget(state.usage, state.limits);
  if (spent !== null) {
    return finish({
      ...state,
      phase: 'BUDGET_EXHAUSTED',
      reason: `budget exhausted: ${spent}`,
      resumeFrom: state.phase,
      suspended: state,
    });
  }
  return one({ ...state, feedback: [] }, { kind: 'ask_model', phase: state.phase, feedback: state.feedback });
}

function one(state: RunState, effect: Effect): Transition {
  return { state, effects: [effect] };
}

function finish(state: Extract<RunState, { phase: TerminalPhase }>): Transition {
  const reason = 'reason' in state ? state.reason : `committed ${state.commit.sha} on ${state.commit.branch}`;
  return one(state, { kind: 'finish', outcome: state.phase, reason });
}

function unexpected(state: RunState, event: RunEvent): Transition {
  return finish({
    ...state,
    phase: 'FAILED',
    cause: 'internal',
    reason: `internal: event "${event.type}" is not expected in phase ${state.phase}`,
  });
}
