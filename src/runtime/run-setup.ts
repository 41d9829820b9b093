import { realpath } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { repoRoot } from '../git/repo.js';
import { isRunId, RUN_ID_RULE } from '../journal/run-id.js';
import type { ModelProvider } from '../model/provider.js';
import { absoluteModelSpec, resolveModel } from '../model/resolve.js';
import type { RetryNotice } from '../model/retry.js';
import type { Config } from '../policy/config-schema.js';
import { loadConfig } from '../policy/config.js';
import type { Approver, ProgressSink } from './context.js';
import type { SessionOptions } from './session.js';

/** How a run meets its user: who reviews, where progress goes, when to stop, and who answers ask_user. */
export interface RunHooks {
  approver: Approver;
  progress: ProgressSink;
  stopRequested: () => boolean;
  /** Absent: the run is unattended and the model is offered no ask_user. */
  askUser?: (question: string) => Promise<string>;
}

/** What an entry point shows the run through; built once the config is known (approval mode lives there). */
export interface SetupSurface {
  session: RunHooks;
  /** Tells the user a model call is being retried; by default a progress note. */
  onModelRetry?: (notice: RetryNotice) => void;
  /** Released when setting up fails after the surface was built. */
  dispose?: () => void;
}

/** What one entry point (fix, resume, the REPL, ci fix) asks of the run setup. */
export interface RunSetupRequest<S extends SetupSurface> {
  /** Where the user is: the repository is found from here, relative cassette paths resolve from here. */
  cwd: string;
  /** Where ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL and AGENTCTL_RUN_ID are read. */
  env: NodeJS.ProcessEnv;
  /** The model the user named (--model, /model); it wins over the journal's and the config's. */
  model?: string | undefined;
  /** A journaled run being continued: it keeps the config and model it started with. */
  resume?: { config: Config; modelSpec: string | null };
  /** What flags change in the loaded config (--max-attempts, --max-lines). */
  adjust?: (config: Config) => Config;
  surface: (config: Config) => S;
}

/** Everything a run needs before it starts, derived the same way for every entry point. */
export interface RunSetup<S extends SetupSurface> {
  /** The repository's top level, by its real path. */
  root: string;
  config: Config;
  surface: S;
  /** Options for startFix / resumeRun: model (with the config's modelOptions and pricing), spec, hooks. */
  session: SessionOptions;
  /** AGENTCTL_RUN_ID when set (checked); absent for a fresh id. */
  runId?: string;
}

/** The repository containing `cwd`, by its real path (runners print real paths; journals name this one). */
export async function runRoot(cwd: string): Promise<string> {
  return realpath(await repoRoot(cwd));
}

/** The config a run uses: a continued run's own, else agentctl.config.json, then the flags' changes. */
export async function runConfig(
  root: string,
  opts: { resume?: { config: Config }; adjust?: (config: Config) => Config } = {},
): Promise<Config> {
  const base = opts.resume?.config ?? (await loadConfig(root));
  return opts.adjust === undefined ? base : opts.adjust(base);
}

/** One line for a retried model call. */
export function retryLine(n: RetryNotice): string {
  return `model: ${n.reason}; retry ${n.retry}/${n.maxRetries} in ${Math.ceil(n.delayMs / 1000)} s`;
}

/**
 * The model a run uses: the named spec, else the journal's, else the config's, always built with the config's
 * modelOptions and pricing and the caller's environment. `modelSpec` is the spec made absolute, for the journal.
 */
export async function runModel(opts: {
  spec: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
  config: Config;
  onRetry: (notice: RetryNotice) => void;
}): Promise<{ model: ModelProvider; modelSpec?: string }> {
  const model = await resolveModel(opts.spec, opts.cwd, {
    config: opts.config,
    env: opts.env,
    onRetry: opts.onRetry,
  });
  return opts.spec === undefined ? { model } : { model, modelSpec: absoluteModelSpec(opts.spec, opts.cwd) };
}

/** AGENTCTL_RUN_ID, when set, must be a usable run id: refused up front rather than failing mid-start. */
export function pinnedRunId(env: NodeJS.ProcessEnv): string | undefined {
  const pinned = env.AGENTCTL_RUN_ID;
  if (pinned === undefined || pinned === '') return undefined;
  if (isRunId(pinned)) return pinned;
  throw new UsageError(
    `AGENTCTL_RUN_ID=${JSON.stringify(pinned)} cannot name a run: use ${RUN_ID_RULE}`,
    'Unset it (unset AGENTCTL_RUN_ID) to get a fresh id like 20261125-142233-a1b2c3.',
  );
}

/**
 * The one run setup: repository, config (a continued run's own), model with the config's options, the surface's
 * approver, progress and stop flag, and the pinned run id. fix, resume, the REPL and ci fix all start here, so a
 * setting in agentctl.config.json means the same in each.
 */
export async function setupRun<S extends SetupSurface>(request: RunSetupRequest<S>): Promise<RunSetup<S>> {
  const runId = pinnedRunId(request.env);
  const root = await runRoot(request.cwd);
  const config = await runConfig(root, {
    ...(request.resume !== undefined ? { resume: request.resume } : {}),
    ...(request.adjust !== undefined ? { adjust: request.adjust } : {}),
  });
  const surface = request.surface(config);
  const hooks = surface.session;
  try {
    const { model, modelSpec } = await runModel({
      spec: request.model ?? request.resume?.modelSpec ?? config.model,
      cwd: request.cwd,
      env: request.env,
      config,
      onRetry: surface.onModelRetry ?? ((n) => hooks.progress.note(retryLine(n))),
    });
    const session: SessionOptions = {
      model,
      ...(modelSpec !== undefined ? { modelSpec } : {}),
      approver: hooks.approver,
      progress: hooks.progress,
      stopRequested: hooks.stopRequested,
      ...(hooks.askUser !== undefined ? { askUser: hooks.askUser } : {}),
    };
    return { root, config, surface, session, ...(runId !== undefined ? { runId } : {}) };
  } catch (err) {
    surface.dispose?.();
    throw err;
  }
}
