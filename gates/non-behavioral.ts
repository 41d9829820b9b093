import type { ChangedFileNote, ChangeVerdict } from '../src/core/evidence.js';
import type { PathKind } from '../src/policy/path-kinds.js';
import { classifyChange, type ChangeStatus } from './behavior-change.js';

/** One file a `propose_change` changes: its path and its text before (base) and after (the proposal's tree). */
export interface ProposedFile {
  path: string;
  before: string | null;
  after: string | null;
}

function statusOf(file: ProposedFile): ChangeStatus {
  return file.before === null ? 'added' : file.after === null ? 'deleted' : 'modified';
}

/**
 * The acceptance rule of `propose_change`, pure: tests stay locked (no test file, no test configuration, the
 * same kinds a fix may not touch), and every other file is judged by the classifier `ci check` uses: non-code,
 * package metadata, or code whose runtime syntax tree is unchanged. The first file that breaks a rule is named.
 * The suite staying green is judged after this, by the GREEN gate on the full run.
 */
export function judgeNonBehavioral(
  files: readonly ProposedFile[],
  kindOf: (path: string) => PathKind,
): ChangeVerdict {
  const notes: ChangedFileNote[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const judged = classifyChange({ ...file, status: statusOf(file) }, kindOf);
    const kind = kindOf(file.path);
    if (kind !== 'production' || judged.category === 'test' || judged.category === 'test_config') {
      const what = kind === 'test' || judged.category === 'test' ? 'a test file' : 'test configuration';
      const reason = `${what}; tests stay locked in a non-behavioral change`;
      return refused('tests_locked', { path: file.path, reason }, notes);
    }
    if (judged.behaviorChanging) {
      return refused('behavior_change', { path: file.path, reason: judged.reason }, notes);
    }
    notes.push({ path: file.path, reason: judged.reason });
  }
  if (notes.length === 0) {
    return { ok: false, reason: 'behavior_change', message: 'the change changes no file', files: [] };
  }
  return {
    ok: true,
    reason: 'non_behavioral',
    message: `non-behavioral: ${notes.map((n) => `${n.path} (${n.reason})`).join('; ')}`,
    files: notes,
  };
}

function refused(
  reason: 'tests_locked' | 'behavior_change',
  offending: ChangedFileNote,
  judgedSoFar: readonly ChangedFileNote[],
): ChangeVerdict {
  const advice =
    reason === 'tests_locked'
      ? 'leave tests and their configuration as they are'
      : 'a behavior change needs a failing test first (propose_test)';
  return {
    ok: false,
    reason,
    message: `${offending.path}: ${offending.reason}; ${advice}`,
    files: [offending, ...judgedSoFar],
  };
}
