import type { Config } from '../../policy/config-schema.js';
import { loadConfig } from '../../policy/config.js';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { withRecording } from '../../model/recording.js';
import { absoluteModelSpec, resolveModel } from '../../model/resolve.js';
import { headCommit, repoRoot } from '../../git/repo.js';
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

// Run ids become directory names; the same rule as the run store's.
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

/** AGENTCTL_RUN_ID, when set, must be a usable run id: refused up front rather than failing mid-start. */
export function checkPinnedRunId(env: NodeJS.ProcessEnv): void {
  const pinned = env.AGENTCTL_RUN_ID;
  if (pinned === undefined || pinned === '' || RUN_ID.test(pinned)) return;
  throw new UsageError(
    `AGENTCTL_RUN_ID=${JSON.stringify(pinned)} cannot name a run: use up to 80 letters, digits, - and _, starting with a letter or digit`,
    'Unset it (unset AGENTCTL_RUN_ID) to get a fresh id like 20261125-142233-a1b2c3.',
  );
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
  checkPinnedRunId(io.env);
  const root = await repoRoot(cwd);
  const loaded = await loadConfig(root);
  const config: Config =
    opts.maxAttempts === undefined ? loaded : { ...loaded, repair: { maxAttempts: opts.maxAttempts } };
  const text = await readTask(task, io);
  const spec = opts.model ?? config.model;
  const surface = runSurface(io, config, opts);
  const model = withRecording(
    await resolveModel(spec, io.cwd, { config, env: io.env, onRetry: surface.onModelRetry }),
    opts.record === undefined ? undefined : resolve(io.cwd, opts.record),
  );
  try {
    const dirty = await uncommittedFiles(root);
    if (dirty.length > 0) io.stderr.write(`${dirtyTreeWarning(dirty, await headCommit(root)).join('\n')}\n`);
    if (!opts.json) surface.out(surface.style.bold(`agentctl · ${text}`));
    const result = await startFix(cwd, text, {
      model,
      ...(spec !== undefined ? { modelSpec: absoluteModelSpec(spec, io.cwd) } : {}),
      ...surface.session,
      config,
    });
    surface.idle();
    return reportOutcome(result, opts.json === true, surface.style, io, { dirty: dirty.length > 0 });
  } finally {
    surface.dispose();
  }
}
