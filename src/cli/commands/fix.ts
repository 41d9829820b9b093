import type { Config } from '../../policy/config-schema.js';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { withRecording } from '../../model/recording.js';
import { headCommit } from '../../git/repo.js';
import { setupRun } from '../../runtime/run-setup.js';
import { startFix } from '../../runtime/session.js';
import { dirtyTreeWarning, uncommittedFiles } from '../dirty-tree.js';
import type { CliIO } from '../io.js';
import { reportOutcome } from '../outcome.js';
import { runSurface } from '../run-surface.js';

export interface FixOptions {
  model?: string;
  json?: boolean;
  yes?: boolean;
  maxAttempts?: number;
  /** Who approves under --yes, for the commit trailer. */
  approvedBy?: string;
  /** Write every model turn to this cassette, replayable with --model scripted:<file>. */
  record?: string;
}

/** `fix -`: the task is the whole of stdin (a file or a pipe; in a terminal, ended by Ctrl-D). */
async function readTask(task: string, io: CliIO): Promise<string> {
  if (task !== '-') return task;
  if (io.stdin.isTTY === true) io.stderr.write('agentctl: reading the task from stdin; end it with Ctrl-D\n');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '')
    throw new UsageError('fix -: stdin was empty; there is no task to run', 'echo "<task>" | agentctl fix -');
  return text;
}

/** `agentctl fix "<task>"`: one gated run; returns the exit code. */
export async function fixCommand(task: string, opts: FixOptions, io: CliIO, cwd = io.cwd): Promise<number> {
  const { maxAttempts } = opts;
  // The task first: an empty one is a usage error whatever the model and the repository are.
  const text = await readTask(task, io);
  const setup = await setupRun({
    cwd,
    env: io.env,
    model: opts.model,
    ...(maxAttempts !== undefined ? { adjust: (c: Config) => ({ ...c, repair: { maxAttempts } }) } : {}),
    surface: (config) => runSurface(io, config, opts),
  });
  const { root, surface } = setup;
  try {
    const model = withRecording(
      setup.session.model,
      opts.record === undefined ? undefined : resolve(io.cwd, opts.record),
    );
    const dirty = await uncommittedFiles(root);
    if (dirty.length > 0) io.stderr.write(`${dirtyTreeWarning(dirty, await headCommit(root)).join('\n')}\n`);
    if (!opts.json) surface.out(surface.style.bold(`agentctl · ${text}`));
    const result = await startFix(root, text, {
      ...setup.session,
      model,
      config: setup.config,
      ...(setup.runId !== undefined ? { runId: setup.runId } : {}),
    });
    surface.idle();
    return reportOutcome(result, opts.json === true, surface.style, io, { dirty: dirty.length > 0 });
  } finally {
    surface.dispose();
  }
}
