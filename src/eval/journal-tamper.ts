import { readFile, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { main } from '../cli/main.js';
import type { CliIO } from '../cli/io.js';
import { canonicalJson } from '../journal/canonical.js';
import { entryHashOf, GENESIS_HASH, JournalEntry, payloadHashOf } from '../journal/entry.js';
import { withJournalChecks, type JournalChecks } from '../journal/trust-checks.js';
import type { Tamper } from './scenario.js';

/** What one command did on a tampered journal. */
export interface CommandOutcome {
  args: string[];
  exitCode: number;
  output: string;
}

/** What the eval saw of one tamper: each command's outcome, and whether the journal was left byte for byte. */
export interface TamperOutcome {
  edit: Tamper['edit'];
  commands: CommandOutcome[];
  /** Empty when the commands left the tampered file as it was; otherwise how it changed (cut, appended). */
  journalChange: string;
}

/** The lines of a journal, each without its newline; a journal the run wrote ends with one. */
function linesOf(bytes: Buffer): string[] {
  return bytes.toString('utf8').split('\n').slice(0, -1);
}

/** The middle byte of line `line` (1-based) flipped: a complete line that no longer matches its hash. */
function flipByte(bytes: Buffer, line: number): Buffer {
  const lines = linesOf(bytes);
  if (line >= lines.length)
    throw new Error(`flip-byte: line ${line} is not a complete line before the last (${lines.length} lines)`);
  const start = Buffer.byteLength(
    lines
      .slice(0, line - 1)
      .map((l) => `${l}\n`)
      .join(''),
  );
  const copy = Buffer.from(bytes);
  const at = start + Math.floor(Buffer.byteLength(lines[line - 1]!) / 2);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

/** Every line after the approval removed, as if the run had stopped there; the branch still holds the commit. */
function cutAfterApproval(bytes: Buffer): Buffer {
  const lines = linesOf(bytes);
  const approval = lines.findIndex((l) => (JSON.parse(l) as { type?: unknown }).type === 'approval_decided');
  if (approval === -1) throw new Error('cut-after-approval: the journal records no approval');
  return Buffer.from(`${lines.slice(0, approval + 1).join('\n')}\n`);
}

type Fields = Record<string, unknown>;

/** The approver renamed in every event that names it, with every hash of the chain recomputed. */
function rewriteApprover(bytes: Buffer, by: string): Buffer {
  const rows = linesOf(bytes).map((l) => JournalEntry.parse(JSON.parse(l)));
  for (const row of rows) {
    const payload = (row.payload ?? {}) as Fields;
    const event = payload.event as Fields | undefined;
    const effect = payload.effect as Fields | undefined;
    if (row.type === 'approval_decided') payload.by = by;
    if (event?.type === 'review_decided') event.by = by;
    if (effect?.kind === 'commit') effect.approvedBy = by;
  }
  let prev = GENESIS_HASH;
  const out = rows.map((row) => {
    const { hash: _hash, ...rest } = row;
    const unhashed = { ...rest, payloadHash: payloadHashOf(row.payload), prevHash: prev };
    const hash = entryHashOf(unhashed);
    prev = hash;
    return canonicalJson({ ...unhashed, hash });
  });
  return Buffer.from(`${out.join('\n')}\n`);
}

function tampered(original: Buffer, tamper: Tamper): Buffer {
  switch (tamper.edit) {
    case 'flip-byte':
      return flipByte(original, tamper.line ?? 0);
    case 'cut-after-approval':
      return cutAfterApproval(original);
    case 'rewrite-approver':
      return rewriteApprover(original, tamper.by ?? '');
    default: {
      const never: never = tamper.edit;
      return never;
    }
  }
}

/** Runs the CLI in this process (so `--sabotage journal` reaches it) in `cwd`, without a terminal. */
async function agentctl(args: string[], cwd: string): Promise<CommandOutcome> {
  const out = new PassThrough();
  let output = '';
  out.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const stdin = new PassThrough();
  stdin.end();
  const io: CliIO = {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: out as unknown as NodeJS.WriteStream,
    stderr: out as unknown as NodeJS.WriteStream,
    onInterrupt: () => () => undefined,
  };
  const exitCode = await main(args, io);
  return { args, exitCode, output };
}

function describeChange(before: Buffer, after: Buffer): string {
  if (after.equals(before)) return '';
  if (before.subarray(0, after.length).equals(after))
    return `cut from ${before.length} to ${after.length} bytes`;
  if (after.subarray(0, before.length).equals(before))
    return `${after.length - before.length} bytes appended`;
  return `rewritten (${before.length} → ${after.length} bytes)`;
}

/**
 * Applies each tamper to the finished run's journal in turn, runs its commands on the edited file (with `checks`
 * in force), records what they did and whether they changed the file, and puts the original journal back.
 */
export async function tamperJournal(
  file: string,
  repo: string,
  runId: string,
  tampers: readonly Tamper[],
  checks: JournalChecks,
): Promise<TamperOutcome[]> {
  const original = await readFile(file);
  const outcomes: TamperOutcome[] = [];
  for (const tamper of tampers) {
    const edited = tampered(original, tamper);
    await writeFile(file, edited);
    try {
      const commands: CommandOutcome[] = [];
      await withJournalChecks(checks, async () => {
        for (const c of tamper.commands)
          commands.push(
            await agentctl(
              c.args.map((a) => a.replaceAll('{{RUN}}', runId)),
              repo,
            ),
          );
      });
      outcomes.push({
        edit: tamper.edit,
        commands,
        journalChange: describeChange(edited, await readFile(file)),
      });
    } finally {
      await writeFile(file, original);
    }
  }
  return outcomes;
}
