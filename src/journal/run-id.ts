/** The longest run id: it names a directory, a worktree and the branch `agentctl/<run-id>`. */
export const RUN_ID_MAX = 128;

// A plain name that cannot climb out of runs/ and is a valid branch component.
const RUN_ID = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]{0,${RUN_ID_MAX - 1}}$`);

/** The rule in words, for messages that refuse an id. */
export const RUN_ID_RULE = `a letter or digit, then letters, digits, "-" and "_"; at most ${RUN_ID_MAX} characters`;

/** True when `id` can name a run; the one check every entry point, the store and the session use. */
export function isRunId(id: string): boolean {
  return RUN_ID.test(id);
}
