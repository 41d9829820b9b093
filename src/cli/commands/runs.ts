import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Effect, RunEvent } from '../../core/events.js';
import type { TestReport } from '../../core/report.js';
import { JournalCorruptError, UsageError } from '../../errors.js';
import { repoRoot } from '../../git/repo.js';
import { readJournal } from '../../journal/journal-file.js';
import { runEntries, type RunEntry } from '../../journal/run-entries.js';
import type { EventPayload } from '../../journal/run-events.js';
import { queryEntries } from '../../journal/query.js';
import { listRuns, requireJournal, runDir } from '../../journal/run-store.js';
import { foldJournal } from '../../runtime/fold.js';
import { replayJournal } from '../../runtime/replay.js';
import type { CliIO } from '../io.js';

/** A run's verified, typed entries: an unknown id or a corrupt journal is exit 2, naming the recent runs or the line. */
async function entriesOf(root: string, runId: string): Promise<RunEntry[]> {
  return runEntries((await readJournal(await requireJournal(root, runId))).entries);
}

/** One line of what an entry says, for the timeline. */
export function describeEntry(e: RunEntry): string {
  switch (e.type) {
    case 'run_started':
      return `task: ${e.payload.start.task} (model ${e.payload.model})`;
    case 'effect_intent':
      return describeIntent(e.payload.effect);
    case 'effect_result':
    case 'external_event': {
      const ev = e.payload.event;
      const published = describePublished(ev);
      if (published !== null) return published;
      if (ev.type === 'patch_applied')
        return `${ev.patchKind} patch ${ev.patch.sha.slice(0, 12)} applied: ${ev.patch.files.join(', ')}`;
      if (ev.type === 'patch_refused') return `${ev.patchKind} patch refused (${ev.rule}): ${ev.message}`;
      if (ev.type === 'committed') return `committed ${ev.sha} on ${ev.branch}`;
      return `${e.type === 'effect_result' ? 'result' : 'event'} ${ev.type}`;
    }
    case 'checkpoint': {
      const { reason, cutShort } = e.payload;
      return `checkpoint: ${reason}${cutShort ? ` (${cutShort.effect} cut short; resume redoes it)` : ''}`;
    }
    case 'gate_verdict':
      return `${e.payload.gate}: ${e.payload.verdict.message}`;
    case 'model_response': {
      const { turn } = e.payload;
      return `model: ${turn.calls.map((c) => c.name).join(', ') || 'text'}${turn.text ? ` — ${turn.text.slice(0, 100)}` : ''}`;
    }
    case 'tool_call':
      return `tool ${e.payload.call.name} ${(JSON.stringify(e.payload.call.input) ?? '').slice(0, 100)}`;
    case 'test_report':
      return `tests (${e.payload.purpose}): ${e.payload.summary}`;
    case 'transition':
      return `${e.payload.from} → ${e.payload.to} (attempts ${e.payload.attempts})`;
    case 'approval_decided': {
      const p = e.payload;
      return `review: ${p.decision} by ${p.by}${p.reason ? ` (${p.reason})` : ''}`;
    }
    case 'publish_intent':
      return describePublishIntent(e.payload);
    case 'publish_result':
      return describePublishResult(e.payload);
    case 'run_resumed':
    case 'run_finished':
    case 'model_request':
    case 'model_error':
    case 'tool_result':
    case 'worktree_restored':
    case 'guard_started':
    case 'guard_decision':
    case 'guard_red':
    case 'guard_locked':
    case 'guard_green':
    case 'guard_off':
    case 'guard_closed':
    case 'lock':
      return e.type;
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}

/** An effect's intent; publishing steps say what they will publish where. */
function describeIntent(effect: Effect): string {
  if (effect.kind === 'publish_push')
    return `publish: push ${effect.sha.slice(0, 12)} to ${effect.remote} ${effect.branch}`;
  if (effect.kind === 'publish_pull')
    return `publish: pull request ${effect.head} → ${effect.base} on ${effect.repo}`;
  if (effect.kind === 'publish_comment') return `publish: comment on ${effect.repo}#${effect.target}`;
  return `intent ${effect.kind}`;
}

/** What a publishing step did, or null for any other event. */
function describePublished(ev: RunEvent): string | null {
  if (ev.type === 'pushed') return `published: ${ev.branch} on ${ev.remote} (${ev.result})`;
  if (ev.type === 'pull_request_opened')
    return `published: pull request #${ev.number} ${ev.created ? 'opened' : 'found'} (${ev.url})`;
  if (ev.type === 'commented')
    return `published: comment ${ev.id} ${ev.created ? 'created' : 'updated'} (${ev.url})`;
  return null;
}

// Journals written before publishing became effects carry publish_intent / publish_result events.
function describePublishIntent(p: EventPayload<'publish_intent'>): string {
  switch (p.step) {
    case 'push':
      return `publish: push ${p.sha.slice(0, 12)} to ${p.remote} ${p.branch}`;
    case 'pull':
      return `publish: pull request ${p.head} → ${p.base} on ${p.repo}`;
    case 'comment':
      return `publish: comment on ${p.repo ?? '(no repository)'}#${p.target}`;
    default: {
      const unhandled: never = p;
      return unhandled;
    }
  }
}

function describePublishResult(p: EventPayload<'publish_result'>): string {
  switch (p.step) {
    case 'push':
      return `published: ${p.branch} on ${p.remote} (${p.result})`;
    case 'pull':
      return `published: pull request #${p.number} ${p.created ? 'opened' : 'found'} (${p.url})`;
    case 'comment':
      return `published: comment ${p.id} ${p.created ? 'created' : 'updated'} (${p.url})`;
    default: {
      const unhandled: never = p;
      return unhandled;
    }
  }
}

/** `agentctl runs list`: every run, one line each; exit 2 when a journal is corrupt (named on stderr). */
export async function runsList(opts: { json?: boolean }, io: CliIO): Promise<number> {
  const root = await repoRoot(io.cwd);
  const rows = [];
  const corrupt: string[] = [];
  for (const run of await listRuns(root)) {
    try {
      const folded = foldJournal(await entriesOf(root, run.runId));
      rows.push({
        runId: run.runId,
        phase: folded.state.phase,
        attempts: folded.state.attempts,
        task: folded.start.task,
        finished: folded.finished,
      });
    } catch (err) {
      if (err instanceof JournalCorruptError) corrupt.push(err.message);
      rows.push({
        runId: run.runId,
        phase: err instanceof JournalCorruptError ? 'CORRUPT' : 'UNREADABLE',
        attempts: 0,
        task: (err as Error).message,
        finished: false,
      });
    }
  }
  if (opts.json) io.stdout.write(`${JSON.stringify(rows)}\n`);
  else if (rows.length === 0)
    io.stdout.write('No runs in this repository yet. Start one with: agentctl fix "<task>"\n');
  else
    for (const r of rows)
      io.stdout.write(`${r.runId}  ${r.phase.padEnd(16)} attempts ${r.attempts}  ${r.task}\n`);
  for (const message of corrupt) io.stderr.write(`agentctl: ${message}\n`);
  return corrupt.length > 0 ? 2 : 0;
}

/** `agentctl runs show <id>`: the timeline. */
export async function runsShow(runId: string, opts: { json?: boolean }, io: CliIO): Promise<number> {
  const root = await repoRoot(io.cwd);
  const entries = await entriesOf(root, runId);
  if (opts.json) {
    for (const e of entries) io.stdout.write(`${JSON.stringify(e)}\n`);
    return 0;
  }
  for (const e of entries)
    io.stdout.write(
      `${String(e.seq).padStart(4)} ${e.time.slice(11, 19)} ${e.phase.padEnd(18)} ${describeEntry(e)}\n`,
    );
  return 0;
}

export interface QueryOptions {
  run?: string;
  type?: string[];
  phase?: string[];
  tool?: string;
  verdict?: 'pass' | 'fail';
  since?: string;
  until?: string;
  json?: boolean;
}

function parseDate(text: string | undefined, flag: string): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(text);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(`${flag}: "${text}" is not a date.`, 'Use an ISO date such as 2026-11-25T10:00:00Z');
  return d;
}

/** `agentctl runs query`: journal events across runs, filtered. */
export async function runsQuery(opts: QueryOptions, io: CliIO): Promise<number> {
  const root = await repoRoot(io.cwd);
  const ids = opts.run !== undefined ? [opts.run] : (await listRuns(root)).map((r) => r.runId);
  const since = parseDate(opts.since, '--since');
  const until = parseDate(opts.until, '--until');
  for (const runId of ids) {
    const found = queryEntries(await entriesOf(root, runId), {
      ...(opts.type ? { types: opts.type } : {}),
      ...(opts.phase ? { phases: opts.phase } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      where: (e) => {
        if (opts.tool !== undefined) {
          const names =
            e.type === 'tool_call'
              ? [e.payload.call.name]
              : e.type === 'model_response'
                ? e.payload.turn.calls.map((c) => c.name)
                : [];
          if (!names.includes(opts.tool)) return false;
        }
        if (
          opts.verdict !== undefined &&
          (e.type !== 'gate_verdict' || (e.payload.verdict.ok ? 'pass' : 'fail') !== opts.verdict)
        )
          return false;
        return true;
      },
    });
    for (const e of found) {
      io.stdout.write(
        opts.json
          ? `${JSON.stringify({ runId, ...e })}\n`
          : `${runId} ${String(e.seq).padStart(4)} ${e.type.padEnd(16)} ${describeEntry(e)}\n`,
      );
    }
  }
  return 0;
}

/** `agentctl replay <id>`: re-drive the machine from the journal; exit 1 on the first divergence. */
export async function replayCommand(runId: string, opts: { json?: boolean }, io: CliIO): Promise<number> {
  const root = await repoRoot(io.cwd);
  const entries = await entriesOf(root, runId);
  const dir = runDir(root, runId);
  const load = (sha: string) =>
    JSON.parse(readFileSync(join(dir, 'reports', `${sha}.json`), 'utf8')) as TestReport;
  const result = replayJournal(entries, load);
  if (opts.json) io.stdout.write(`${JSON.stringify({ runId, ...result })}\n`);
  else if (result.ok)
    io.stdout.write(
      `replayed ${result.events} events of ${runId}: all ${result.decisions} decisions reproduced; final phase ${result.finalPhase}\n`,
    );
  else {
    const d = result.divergence!;
    io.stdout.write(
      `divergence at event ${d.seq} (${d.what}): the journal says ${d.journal}; the code now decides ${d.now}\n`,
    );
  }
  return result.ok ? 0 : 1;
}
