import type { Phase } from '../core/phases.js';
import { READ_ONLY_TOOLS, type ToolName } from '../core/proposals.js';

/** Who can answer the model: nobody in an unattended run (`--yes`, CI, `--json` without a terminal). */
export interface Audience {
  unattended?: boolean;
}

/**
 * The tools the model is offered in each phase; anything else it calls is refused by policy. `ask_user` only
 * where a person can answer it.
 */
export function toolsForPhase(phase: Phase, audience: Audience = {}): readonly ToolName[] {
  const ask: ToolName[] = audience.unattended === true ? [] : ['ask_user'];
  switch (phase) {
    case 'ORIENT':
      return READ_ONLY_TOOLS.filter((t) => t !== 'read_last_report');
    case 'AUTHOR_TEST':
      // A task that changes no behavior skips RED, so it is the alternative to the first test, not to a fix.
      return [...READ_ONLY_TOOLS, 'propose_test', 'propose_change', ...ask, 'give_up'];
    case 'AUTHOR_FIX':
      return [...READ_ONLY_TOOLS, 'propose_fix', ...ask, 'give_up'];
    case 'VERIFY_RED':
    case 'LOCK':
    case 'VERIFY_GREEN':
    case 'VERIFY_CHANGE':
    case 'REVIEW':
    case 'COMMIT':
    case 'DONE':
    case 'ESCALATED':
    case 'BUDGET_EXHAUSTED':
    case 'ABORTED':
    case 'FAILED':
      return [];
    default: {
      const never: never = phase;
      return never;
    }
  }
}

/** Why a tool is refused in a phase, worded for the model. */
export function refusalReason(tool: string, phase: Phase, audience: Audience = {}): string {
  if (tool === 'propose_fix' && (phase === 'ORIENT' || phase === 'AUTHOR_TEST')) {
    return 'propose_fix refused: no behavior change before a test has been shown to fail (RED). Propose a failing test first with propose_test.';
  }
  if (tool === 'propose_test' && phase === 'AUTHOR_FIX') {
    return 'propose_test refused: tests are locked after RED. Change production code with propose_fix.';
  }
  if (tool === 'propose_change' && phase === 'AUTHOR_FIX') {
    return 'propose_change refused: a failing test is locked in, so this run changes behavior. Change production code with propose_fix.';
  }
  if ((tool === 'propose_test' || tool === 'propose_change') && phase === 'ORIENT') {
    return `${tool} refused while orienting: reply without tool calls to finish orienting, then propose the test (or the non-behavioral change).`;
  }
  if (
    tool === 'ask_user' &&
    audience.unattended === true &&
    (phase === 'AUTHOR_TEST' || phase === 'AUTHOR_FIX')
  ) {
    return 'ask_user refused: this run is unattended and nobody can answer. Decide from the task and the code, or call give_up with the reason.';
  }
  const offered = toolsForPhase(phase, audience);
  return `${tool} is not available in phase ${phase}; available: ${offered.join(', ') || 'none'}.`;
}
