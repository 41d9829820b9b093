import { isAbsolute, resolve } from 'node:path';
import { ModelUnavailableError } from '../errors.js';
import type { Config } from '../policy/config-schema.js';
import { AnthropicProvider } from './anthropic.js';
import { loadCassette } from './cassette.js';
import type { ModelProvider } from './provider.js';
import type { RetryNotice } from './retry.js';
import { ScriptedProvider } from './scripted.js';

const HOW =
  'Pass --model scripted:<cassette.json> to play a recorded model (see docs/cassettes.md) or --model anthropic:<model> with ANTHROPIC_API_KEY set (see docs/models.md), or set "model" in agentctl.config.json.';

/** The spec with a scripted cassette path made absolute, so a resumed run finds the same file. */
export function absoluteModelSpec(spec: string, cwd: string): string {
  if (!spec.startsWith('scripted:')) return spec;
  const file = spec.slice('scripted:'.length);
  return file === '' || isAbsolute(file) ? spec : `scripted:${resolve(cwd, file)}`;
}

/** The model `anthropic` (with no name) means. */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-6';

/** What a real provider takes besides the spec: the repo's config, the environment, UI callbacks. */
export interface ResolveOptions {
  /** `modelOptions` and `pricing` come from here. */
  config?: Pick<Config, 'modelOptions' | 'pricing'>;
  /** Where ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  onText?: (delta: string) => void;
  onRetry?: (notice: RetryNotice) => void;
}

/** Builds the provider a `--model` spec names; a missing or unknown one says how to get a usable model. */
export async function resolveModel(
  spec: string | undefined,
  cwd: string,
  options: ResolveOptions = {},
): Promise<ModelProvider> {
  if (spec === undefined || spec.trim() === '') {
    throw new ModelUnavailableError('No model is configured for this run.', HOW);
  }
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? '' : spec.slice(colon + 1);
  switch (kind) {
    case 'scripted': {
      if (arg === '')
        throw new ModelUnavailableError('"scripted" needs a cassette file: scripted:<path>.', HOW);
      const file = isAbsolute(arg) ? arg : resolve(cwd, arg);
      return new ScriptedProvider(await loadCassette(file));
    }
    case 'anthropic':
      return anthropicProvider(arg.trim() || DEFAULT_ANTHROPIC_MODEL, options);
    default:
      throw new ModelUnavailableError(`Unknown model kind "${kind}" in --model ${spec}.`, HOW);
  }
}

/** The real model: key from ANTHROPIC_API_KEY, endpoint from ANTHROPIC_BASE_URL, limits from the config. */
function anthropicProvider(model: string, options: ResolveOptions): AnthropicProvider {
  const env = options.env ?? process.env;
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  if (apiKey === undefined || apiKey === '') {
    throw new ModelUnavailableError(
      `--model anthropic:${model} needs an API key, and ANTHROPIC_API_KEY is not set.`,
      'Export ANTHROPIC_API_KEY (create a key at https://console.anthropic.com/settings/keys), or play a recorded model with --model scripted:<cassette.json>. See docs/models.md.',
    );
  }
  const baseURL = env.ANTHROPIC_BASE_URL?.trim();
  const limits = options.config?.modelOptions;
  return new AnthropicProvider({
    model,
    apiKey,
    ...(baseURL ? { baseURL } : {}),
    ...(limits === undefined
      ? {}
      : {
          maxTokensPerTurn: limits.maxTokensPerTurn,
          timeoutMs: limits.requestTimeoutMs,
          retry: { maxRetries: limits.maxRetries },
          keepToolResults: limits.keepToolResults,
        }),
    ...(options.config?.pricing === undefined ? {} : { pricing: options.config.pricing }),
    ...(options.onText === undefined ? {} : { onText: options.onText }),
    ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
  });
}
