import type { Config } from '../../policy/config-schema.js';
import { loadConfig } from '../../policy/config.js';
import { resolve } from 'node:path';
import { withRecording } from '../../model/recording.js';
import { absoluteModelSpec, resolveModel } from '../../model/resolve.js';
import { repoRoot } from '../../git/repo.js';
import { startFix } from '../../runtime/session.js';
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

/** `agentctl fix "<task>"`: one gated run; returns the exit code. */
export async function fixCommand(task: string, opts: FixOptions, io: CliIO, cwd = io.cwd): Promise<number> {
  const root = await repoRoot(cwd);
  const loaded = await loadConfig(root);
  const config: Config =
    opts.maxAttempts === undefined ? loaded : { ...loaded, repair: { maxAttempts: opts.maxAttempts } };
  const spec = opts.model ?? config.model;
  const surface = runSurface(io, config, opts);
  const model = withRecording(
    await resolveModel(spec, io.cwd, { config, env: io.env, onRetry: surface.onModelRetry }),
    opts.record === undefined ? undefined : resolve(io.cwd, opts.record),
  );
  try {
    if (!opts.json) surface.out(surface.style.bold(`agentctl · ${task}`));
    const result = await startFix(cwd, task, {
      model,
      ...(spec !== undefined ? { modelSpec: absoluteModelSpec(spec, io.cwd) } : {}),
      ...surface.session,
      config,
    });
    return reportOutcome(result, opts.json === true, surface.style, io);
  } finally {
    surface.dispose();
  }
}
