import { z } from 'zod';
import type { JournalEntry } from './entry.js';
import { journalChecks } from './trust-checks.js';

/** One line of `agentctl audit verify`. */
export interface AuditCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** A commit on the run's branch after its base (newest first in a list): its SHA and full message. */
export interface BranchCommit {
  sha: string;
  message: string;
}

const Sha = z.string().min(1);
const CommitIntent = z.object({
  effect: z.union([
    z.object({
      kind: z.literal('commit'),
      testPatch: z.object({ sha: Sha }),
      fixPatch: z.object({ sha: Sha }),
      approvedBy: z.string(),
    }),
    z.object({ kind: z.literal('commit'), changePatch: z.object({ sha: Sha }), approvedBy: z.string() }),
  ]),
});
const Committed = z.object({
  event: z.object({ type: z.literal('committed'), sha: Sha, branch: z.string() }),
});
const Approval = z.object({ decision: z.literal('approve'), by: z.string(), patchSha: Sha });
const Applied = z.object({
  event: z.object({
    type: z.literal('patch_applied'),
    patchKind: z.enum(['test', 'fix', 'change']),
    patch: z.object({ sha: Sha }),
  }),
});

const TRAILER_KEYS = [
  'Agentctl-Run',
  'Agentctl-Op',
  'Agentctl-Test-Patch',
  'Agentctl-Fix-Patch',
  'Agentctl-Change-Patch',
  'Agentctl-Approved-By',
] as const;
type TrailerKey = (typeof TRAILER_KEYS)[number];

/**
 * The agentctl trailers of a commit message, read from its last paragraph only: the body above it carries
 * model-written summaries, which could hold lines that look like trailers. A key given twice is an error.
 */
export function readTrailers(
  message: string,
): { ok: true; values: Partial<Record<TrailerKey, string>> } | { ok: false; reason: string } {
  const paragraphs = message.trimEnd().split(/\n\s*\n/);
  const last = paragraphs.at(-1) ?? '';
  const values: Partial<Record<TrailerKey, string>> = {};
  for (const line of last.split('\n')) {
    const match = /^([A-Za-z-]+): (.*)$/.exec(line);
    const key = TRAILER_KEYS.find((k) => k === match?.[1]);
    if (match === null || key === undefined) continue;
    if (values[key] !== undefined) return { ok: false, reason: `trailer ${key} appears twice` };
    values[key] = match[2] ?? '';
  }
  return { ok: true, values };
}

/**
 * Cross-checks a run's journal against its branch: every commit after the base carrying `Agentctl-Op` must be
 * one the journal recorded (intent and result), and its trailers must agree with the journal's approval and
 * patches. So a journal cut after the approval, or an approver rewritten with a recomputed chain, fails here.
 */
export function crossCheckBranch(
  entries: readonly JournalEntry[],
  runId: string,
  branch: string,
  commits: readonly BranchCommit[],
): AuditCheck[] {
  if (!journalChecks().branchCrossCheck) return [];
  const checks: AuditCheck[] = [];
  const last = entries.at(-1);
  const ending = last === undefined ? 'is empty' : `ends at event ${last.seq} (${last.type})`;
  const agentctl = commits.filter((c) => /^Agentctl-Op: /m.test(c.message));
  const recorded = entries.flatMap((e) => {
    const parsed = e.type === 'effect_result' ? Committed.safeParse(e.payload) : null;
    return parsed?.success === true ? [{ entry: e, ...parsed.data.event }] : [];
  });
  for (const result of recorded) {
    if (!commits.some((c) => c.sha === result.sha)) {
      checks.push({
        name: `commit ${result.sha.slice(0, 12)}`,
        ok: false,
        detail: `the journal recorded commit ${result.sha} on ${result.branch} (event ${result.entry.seq}), but ${branch} does not hold it`,
      });
    }
  }
  for (const commit of agentctl) checks.push(...checkCommit(entries, runId, branch, commit, ending));
  const head = commits[0];
  if (head !== undefined) {
    const journaled = recorded.at(-1)?.sha;
    checks.push({
      name: 'branch head',
      ok: head.sha === journaled,
      detail:
        head.sha === journaled
          ? `${branch} is at ${head.sha}, as journaled`
          : `${branch} is at ${head.sha}; the journal's last commit is ${journaled ?? 'none'}`,
    });
  }
  if (agentctl.length === 0 && recorded.length === 0) {
    checks.push({ name: 'branch', ok: true, detail: `the run made no commit and ${branch} holds none` });
  }
  return checks;
}

function checkCommit(
  entries: readonly JournalEntry[],
  runId: string,
  branch: string,
  commit: BranchCommit,
  ending: string,
): AuditCheck[] {
  const name = `commit ${commit.sha.slice(0, 12)}`;
  const fail = (detail: string): AuditCheck[] => [{ name, ok: false, detail }];
  const trailers = readTrailers(commit.message);
  if (!trailers.ok) return fail(trailers.reason);
  const t = trailers.values;
  if (t['Agentctl-Run'] !== runId)
    return fail(`its Agentctl-Run trailer says ${t['Agentctl-Run'] ?? 'nothing'}, not ${runId}`);
  const op = t['Agentctl-Op'] ?? '';
  const intentAt = entries.findIndex(
    (e) => e.type === 'effect_intent' && e.opKey === op && CommitIntent.safeParse(e.payload).success,
  );
  const result = entries.find(
    (e) =>
      e.type === 'effect_result' &&
      e.opKey === op &&
      Committed.safeParse(e.payload).data?.event.sha === commit.sha,
  );
  if (intentAt === -1 || result === undefined) {
    const missing = intentAt === -1 ? 'its commit intent and result' : 'its commit result';
    return fail(
      `${branch} holds it (Agentctl-Op ${op.slice(0, 12)}), but the journal has no record of ${missing}; the journal ${ending}`,
    );
  }
  const intent = CommitIntent.parse(entries[intentAt]!.payload).effect;
  const before = entries.slice(0, intentAt);
  const approval = before
    .flatMap((e) => {
      const parsed = e.type === 'approval_decided' ? Approval.safeParse(e.payload) : null;
      return parsed?.success === true ? [parsed.data] : [];
    })
    .at(-1);
  const applied = (kind: 'test' | 'fix' | 'change') =>
    before
      .flatMap((e) => {
        const parsed = e.type === 'effect_result' ? Applied.safeParse(e.payload) : null;
        return parsed?.success === true && parsed.data.event.patchKind === kind
          ? [parsed.data.event.patch.sha]
          : [];
      })
      .at(-1);
  const compare = (
    label: string,
    trailer: string | undefined,
    journal: Array<[string, string | undefined]>,
  ): AuditCheck => {
    const off = journal.filter(([, value]) => value !== trailer);
    return {
      name: `${name} ${label}`,
      ok: trailer !== undefined && off.length === 0,
      detail:
        off.length === 0 && trailer !== undefined
          ? `trailer and journal agree: ${trailer}`
          : `trailer says ${trailer ?? 'nothing'}; ${off.map(([where, value]) => `${where} says ${value ?? 'nothing'}`).join('; ')}`,
    };
  };
  return [
    {
      name,
      ok: true,
      detail: `recorded in the journal (events ${entries[intentAt]!.seq} and ${result.seq})`,
    },
    compare('approver', t['Agentctl-Approved-By'], [
      ['the approval event', approval?.by],
      ['the commit intent', intent.approvedBy],
    ]),
    ...('changePatch' in intent
      ? [
          compare('change patch', t['Agentctl-Change-Patch'], [
            ['the applied change patch', applied('change')],
            ['the approval event', approval?.patchSha],
            ['the commit intent', intent.changePatch.sha],
          ]),
        ]
      : [
          compare('test patch', t['Agentctl-Test-Patch'], [
            ['the applied test patch', applied('test')],
            ['the commit intent', intent.testPatch.sha],
          ]),
          compare('fix patch', t['Agentctl-Fix-Patch'], [
            ['the applied fix patch', applied('fix')],
            ['the approval event', approval?.patchSha],
            ['the commit intent', intent.fixPatch.sha],
          ]),
        ]),
  ];
}
