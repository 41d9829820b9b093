/** Every phase a run can be in; the last five are terminal. */
export const PHASES = [
  'ORIENT',
  'AUTHOR_TEST',
  'VERIFY_RED',
  'LOCK',
  'AUTHOR_FIX',
  'VERIFY_GREEN',
  'VERIFY_CHANGE',
  'REVIEW',
  'COMMIT',
  'DONE',
  'ESCALATED',
  'BUDGET_EXHAUSTED',
  'ABORTED',
  'FAILED',
] as const;
export type Phase = (typeof PHASES)[number];

export const TERMINAL_PHASES = ['DONE', 'ESCALATED', 'BUDGET_EXHAUSTED', 'ABORTED', 'FAILED'] as const;
export type TerminalPhase = (typeof TERMINAL_PHASES)[number];

export function isTerminal(phase: Phase): phase is TerminalPhase {
  return (TERMINAL_PHASES as readonly string[]).includes(phase);
}

/** Exit code for each way a run can end (DESIGN.md "Exit codes"). */
export function exitCodeFor(phase: TerminalPhase, cause?: 'environment' | 'model' | 'internal'): number {
  switch (phase) {
    case 'DONE':
      return 0;
    case 'ESCALATED':
      return 3;
    case 'BUDGET_EXHAUSTED':
      return 4;
    case 'ABORTED':
      return 130;
    case 'FAILED':
      return cause === 'environment' || cause === 'model' ? 2 : 70;
    default: {
      const never: never = phase;
      return never;
    }
  }
}
