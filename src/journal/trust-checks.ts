/**
 * The journal's two trust checks (docs/security.md, "journal tampering"). Every command reads journals through
 * src/journal, so the checks are one module-level record rather than a parameter threaded through each command.
 * It holds the real checks except inside `withJournalChecks`, which only `agentctl eval --sabotage journal` calls,
 * in process, around the commands of one scenario; no flag or environment variable reaches it.
 */
export interface JournalChecks {
  /** A complete line that fails its checks: refused as tampering (real), or taken for a torn tail (weaker). */
  badLine: 'refuse' | 'torn';
  /** `audit verify` cross-checks the run's branch against the journal (real), or trusts the chain alone. */
  branchCrossCheck: boolean;
}

export const REAL_JOURNAL_CHECKS: JournalChecks = { badLine: 'refuse', branchCrossCheck: true };

let current: JournalChecks = REAL_JOURNAL_CHECKS;

/** The checks in force. */
export function journalChecks(): JournalChecks {
  return current;
}

/** Runs `body` with `checks` in force, then puts the previous ones back. */
export async function withJournalChecks<T>(checks: JournalChecks, body: () => Promise<T>): Promise<T> {
  const previous = current;
  current = checks;
  try {
    return await body();
  } finally {
    current = previous;
  }
}
