import { repoRoot, resolveRef } from '../../git/repo.js';
import { gitAt } from '../../git/repo.js';
import type { JournalEntry } from '../../journal/entry.js';
import { readJournal, verifyChain } from '../../journal/journal-file.js';
import { journalPath } from '../../journal/run-store.js';
import type { CliIO } from '../io.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Checks a run: its hash chain, and that the commit on its branch is the one its journal recorded. */
export async function auditChecks(
  root: string,
  runId: string,
  entries: readonly JournalEntry[],
): Promise<Check[]> {
  const checks: Check[] = [];
  const chain = verifyChain(entries);
  checks.push({
    name: 'hash chain',
    ok: chain.ok,
    detail: chain.ok ? `${entries.length} events linked` : `broken at event ${chain.seq}: ${chain.reason}`,
  });
  const commits = entries.filter(
    (e) =>
      e.type === 'effect_result' && (e.payload as { event?: { type?: string } }).event?.type === 'committed',
  );
  if (commits.length === 0) {
    checks.push({ name: 'commit', ok: true, detail: 'the run made no commit' });
    return checks;
  }
  checks.push({
    name: 'one commit',
    ok: commits.length === 1,
    detail: `${commits.length} commit result(s) journaled`,
  });
  const last = commits[commits.length - 1]!;
  const event = (last.payload as { event: { sha: string; branch: string } }).event;
  const head = await resolveRef(root, `refs/heads/${event.branch}`);
  checks.push({
    name: 'branch',
    ok: head === event.sha,
    detail:
      head === event.sha
        ? `${event.branch} is at ${event.sha}`
        : `${event.branch} is at ${head ?? 'nothing'}, the journal recorded ${event.sha}`,
  });
  if (head !== null) {
    const message = await gitAt(root)
      .raw(['log', '-1', '--format=%B', event.sha])
      .catch(() => '');
    const op = /^Agentctl-Op: ([0-9a-f]{64})$/m.exec(message)?.[1];
    checks.push({
      name: 'op key',
      ok: op === last.opKey,
      detail:
        op !== undefined && op === last.opKey
          ? `trailer matches op ${op.slice(0, 12)}`
          : `trailer ${op ?? 'missing'} vs journal ${last.opKey ?? 'none'}`,
    });
    const run = /^Agentctl-Run: (.+)$/m.exec(message)?.[1];
    checks.push({ name: 'run id', ok: run === runId, detail: `trailer says ${run ?? 'nothing'}` });
  }
  return checks;
}

/** `agentctl audit verify <id>`: exit 0 when every check holds, 1 otherwise. */
export async function auditVerify(runId: string, opts: { json?: boolean }, io: CliIO): Promise<number> {
  const root = await repoRoot(io.cwd);
  const { entries, torn } = await readJournal(journalPath(root, runId));
  const checks = await auditChecks(root, runId, entries);
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
