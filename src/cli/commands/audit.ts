import { raw, repoRoot, resolveRef } from '../../git/repo.js';
import { crossCheckBranch, type AuditCheck, type BranchCommit } from '../../journal/branch-audit.js';
import type { JournalEntry } from '../../journal/entry.js';
import { readJournal, verifyChain } from '../../journal/journal-file.js';
import { requireJournal } from '../../journal/run-store.js';
import { foldJournal } from '../../runtime/fold.js';
import { foldGuard, sessionJournal, sessionKey } from '../../guard/session.js';
import { branchFor } from '../../runtime/commit.js';
import type { CliIO } from '../io.js';

/** The commits on `agentctl/<run-id>` after the run's base, newest first; none when the branch is absent. */
async function branchCommits(root: string, branch: string, base: string): Promise<BranchCommit[]> {
  if ((await resolveRef(root, `refs/heads/${branch}`)) === null) return [];
  // NUL between commits: the one byte a commit message cannot hold, whatever a model wrote into it.
  const out = await raw(root, ['log', '-z', '--format=%H%n%B', `${base}..refs/heads/${branch}`, '--']);
  return out
    .split('\0')
    .filter((record) => record.trim() !== '')
    .map((record) => {
      const newline = record.indexOf('\n');
      return { sha: record.slice(0, newline).trim(), message: record.slice(newline + 1) };
    });
}

/**
 * Checks a run: its hash chain, that the branch holds the commit the journal recorded, and that every agentctl
 * commit on the branch is in the journal with trailers that agree with its approval and patches.
 */
export async function auditChecks(
  root: string,
  runId: string,
  entries: readonly JournalEntry[],
): Promise<AuditCheck[]> {
  const checks: AuditCheck[] = [];
  const chain = verifyChain(entries);
  checks.push({
    name: 'hash chain',
    ok: chain.ok,
    detail: chain.ok ? `${entries.length} events linked` : `broken at event ${chain.seq}: ${chain.reason}`,
  });
  const branch = branchFor(runId);
  const { baseSha } = foldJournal(entries).ctx;
  const commits = await branchCommits(root, branch, baseSha);
  checks.push(...crossCheckBranch(entries, runId, branch, commits));
  return checks;
}

/** Checks a guard session: its hash chain, and that it is a guard session from its first event on. */
function guardChecks(entries: readonly JournalEntry[]): AuditCheck[] {
  const chain = verifyChain(entries);
  return [
    {
      name: 'hash chain',
      ok: chain.ok,
      detail: chain.ok ? `${entries.length} events linked` : `broken at event ${chain.seq}: ${chain.reason}`,
    },
    {
      name: 'guard session',
      ok: entries[0]?.type === 'guard_started' && foldGuard(entries) !== null,
      detail: `${entries.filter((e) => e.type === 'guard_decision').length} decisions journaled`,
    },
  ];
}

/**
 * `agentctl audit verify <id>`: exit 0 when every check holds, 1 when one fails; an unknown id or a corrupt
 * journal (a complete line that fails its hash or chain) is exit 2, naming the line.
 */
export async function auditVerify(runId: string, opts: { json?: boolean }, io: CliIO): Promise<number> {
  const root = await repoRoot(io.cwd);
  // `guard:<session>`: a guard session's journal has no branch, so its check is the hash chain alone.
  const guard = runId.startsWith('guard:') ? runId.slice('guard:'.length) : null;
  const file = guard === null ? await requireJournal(root, runId) : sessionJournal(root, sessionKey(guard));
  const { entries, torn } = await readJournal(file);
  const checks = guard === null ? await auditChecks(root, runId, entries) : guardChecks(entries);
  if (torn !== null)
    checks.push({
      name: 'torn tail',
      ok: false,
      detail: `the last line is torn at byte ${torn.offset}: ${torn.reason}`,
    });
  const ok = checks.every((c) => c.ok);
  if (opts.json) io.stdout.write(`${JSON.stringify({ runId, ok, checks })}\n`);
  else for (const c of checks) io.stdout.write(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}\n`);
  return ok ? 0 : 1;
}
