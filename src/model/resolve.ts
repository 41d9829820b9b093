import { isAbsolute, resolve } from 'node:path';
import { ModelUnavailableError } from '../errors.js';
import type { Config } from '../policy/config-schema.js';
import { AnthropicProvider } from './anthropic.js';
import { loadCassette } from './cassette.js';
import { OpenAIProvider, type OpenAIProviderOptions } from './openai/provider.js';
import type { ModelProvider } from './provider.js';
import type { RetryNotice } from './retry.js';
import { ScriptedProvider } from './scripted.js';

/** Every model kind a spec can name, in the order they are listed to the user. */
export const MODEL_KINDS = ['scripted', 'anthropic', 'openai', 'ollama', 'openai-compatible'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

const HOW =
  'Pass --model scripted:<cassette.json> to play a recorded model (no key), --model anthropic:<model> or a bare claude-* name (ANTHROPIC_API_KEY), --model openai:<model> or a bare gpt-*/o1*/o3*/o4* name (OPENAI_API_KEY), --model ollama:<model> (a local Ollama, no key) or --model openai-compatible:<model> (modelOptions.baseUrl in agentctl.config.json); or set "model" in agentctl.config.json. See docs/models.md.';

/** The spec with a scripted cassette path made absolute, so a resumed run finds the same file. */
export function absoluteModelSpec(spec: string, cwd: string): string {
  if (!spec.startsWith('scripted:')) return spec;
  const file = spec.slice('scripted:'.length);
  return file === '' || isAbsolute(file) ? spec : `scripted:${resolve(cwd, file)}`;
}

/** The model `anthropic` (with no name) means. */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-6';

/** The model `openai` (with no name) means. */
export const DEFAULT_OPENAI_MODEL = 'gpt-4.1';

/** Where Ollama listens when OLLAMA_HOST does not say. */
const OLLAMA_DEFAULT = 'http://127.0.0.1:11434';

/** What a real provider takes besides the spec: the repo's config, the environment, UI callbacks. */
export interface ResolveOptions {
  /** `modelOptions` and `pricing` come from here. */
  config?: Pick<Config, 'modelOptions' | 'pricing'>;
  /** Where API keys, base URLs and OLLAMA_HOST are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  onText?: (delta: string) => void;
  onRetry?: (notice: RetryNotice) => void;
}

interface Named {
  /** The whole spec as the user typed it, for messages. */
  spec: string;
  /** What follows `kind:`, trimmed. */
  arg: string;
  cwd: string;
  options: ResolveOptions;
}

/** One entry per kind: a kind without an entry does not compile. */
const PROVIDERS: Record<ModelKind, (named: Named) => ModelProvider | Promise<ModelProvider>> = {
  scripted: async ({ arg, cwd }) => {
    if (arg === '')
      throw new ModelUnavailableError('"scripted" needs a cassette file: scripted:<path>.', HOW);
    return new ScriptedProvider(await loadCassette(isAbsolute(arg) ? arg : resolve(cwd, arg)));
  },
  anthropic: ({ arg, options }) => anthropicProvider(arg || DEFAULT_ANTHROPIC_MODEL, options),
  openai: ({ arg, options }) => openaiProvider(arg || DEFAULT_OPENAI_MODEL, options),
  ollama: ({ arg, options }) => ollamaProvider(arg, options),
  'openai-compatible': ({ arg, options }) => compatibleProvider(arg, options),
};

/** A bare model name a user would type picks its provider: `claude-*` is Anthropic's, `gpt-*` and `o1`… OpenAI's. */
function bareKind(name: string): ModelKind | null {
  if (name.startsWith('claude-')) return 'anthropic';
  if (name.startsWith('gpt-') || /^o[134](-|$)/.test(name)) return 'openai';
  return null;
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
  const trimmed = spec.trim();
  const bare = bareKind(trimmed);
  if (bare !== null) return PROVIDERS[bare]({ spec, arg: trimmed, cwd, options });
  const colon = trimmed.indexOf(':');
  const kind = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const arg = colon < 0 ? '' : trimmed.slice(colon + 1).trim();
  if (!(MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new ModelUnavailableError(
      `Unknown model kind "${kind}" in --model ${spec}: the kinds are ${MODEL_KINDS.join(', ')}.`,
      HOW,
    );
  }
  return PROVIDERS[kind as ModelKind]({ spec, arg, cwd, options });
}

/** Limits, pricing and callbacks every real provider takes from the config and the caller. */
function common(options: ResolveOptions) {
  const limits = options.config?.modelOptions;
  return {
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
  };
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
  return new AnthropicProvider({ model, apiKey, ...(baseURL ? { baseURL } : {}), ...common(options) });
}

/** OpenAI itself: key from OPENAI_API_KEY, endpoint from OPENAI_BASE_URL. */
function openaiProvider(model: string, options: ResolveOptions): OpenAIProvider {
  const env = options.env ?? process.env;
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (apiKey === undefined || apiKey === '') {
    throw new ModelUnavailableError(
      `--model openai:${model} needs an API key, and OPENAI_API_KEY is not set.`,
      'Export OPENAI_API_KEY (create a key at https://platform.openai.com/api-keys), or play a recorded model with --model scripted:<cassette.json>. See docs/models.md.',
    );
  }
  return chatProvider('openai', model, options, {
    apiKey,
    baseURL: env.OPENAI_BASE_URL?.trim() || 'https://api.openai.com/v1',
    keyHint: 'OPENAI_API_KEY',
    tokenField: 'max_completion_tokens',
    // OpenAI's reasoning models take instructions as a developer message.
    systemRole: /^o\d/.test(model) ? 'developer' : 'system',
  });
}

/** A local Ollama (OLLAMA_HOST, default 127.0.0.1:11434): no key, and its models cost nothing per token. */
function ollamaProvider(model: string, options: ResolveOptions): OpenAIProvider {
  if (model === '')
    throw new ModelUnavailableError(
      '"ollama" needs a model name: ollama:<model>, e.g. ollama:qwen2.5-coder:14b.',
      'Run `ollama list` to see the models you have pulled. See docs/models.md.',
    );
  const env = options.env ?? process.env;
  const zero = { inputPerMTok: 0, outputPerMTok: 0, cacheReadPerMTok: 0, cacheWritePerMTok: 0 };
  return chatProvider('ollama', model, options, {
    apiKey: 'ollama',
    baseURL: `${ollamaHost(env.OLLAMA_HOST)}/v1`,
    tokenField: 'max_tokens',
    systemRole: 'system',
    pricing: { [model]: zero, ...options.config?.pricing },
  });
}

/** OLLAMA_HOST as Ollama reads it: `host`, `host:port` or a URL; a listen-everywhere address is reached locally. */
export function ollamaHost(value: string | undefined): string {
  const raw = value?.trim() ?? '';
  if (raw === '') return OLLAMA_DEFAULT;
  const url = new URL(/^https?:\/\//.test(raw) ? raw : `http://${raw}`);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  if (url.port === '' && !/:\d+\/?$/.test(raw)) url.port = '11434';
  return url.origin;
}

/** Any server that speaks Chat Completions, at `modelOptions.baseUrl`, keyed by `modelOptions.apiKeyEnv`. */
function compatibleProvider(model: string, options: ResolveOptions): OpenAIProvider {
  const how =
    'Set "modelOptions": { "baseUrl": "http://127.0.0.1:8080/v1" } in agentctl.config.json (and "apiKeyEnv" when the server needs a key from a variable other than OPENAI_API_KEY). See docs/models.md.';
  if (model === '')
    throw new ModelUnavailableError(
      '"openai-compatible" needs a model name: openai-compatible:<model>.',
      how,
    );
  const baseURL = options.config?.modelOptions.baseUrl;
  if (baseURL === undefined)
    throw new ModelUnavailableError(
      `--model openai-compatible:${model} needs the server's address, and modelOptions.baseUrl is not set.`,
      how,
    );
  const env = options.env ?? process.env;
  const keyVar = options.config?.modelOptions.apiKeyEnv;
  const apiKey = env[keyVar ?? 'OPENAI_API_KEY']?.trim();
  if (keyVar !== undefined && (apiKey === undefined || apiKey === ''))
    throw new ModelUnavailableError(
      `--model openai-compatible:${model} reads its key from ${keyVar} (modelOptions.apiKeyEnv), and ${keyVar} is not set.`,
      `Export ${keyVar}, or remove modelOptions.apiKeyEnv if the server needs no key.`,
    );
  return chatProvider('openai-compatible', model, options, {
    // Many local servers need no key, but the SDK refuses an empty one.
    apiKey: apiKey || 'none',
    baseURL: baseURL.replace(/\/+$/, ''),
    keyHint: keyVar ?? 'OPENAI_API_KEY',
    tokenField: 'max_tokens',
    systemRole: 'system',
  });
}

function chatProvider(
  kind: ModelKind,
  model: string,
  options: ResolveOptions,
  endpoint: Pick<OpenAIProviderOptions, 'apiKey' | 'baseURL'> & Partial<OpenAIProviderOptions>,
): OpenAIProvider {
  return new OpenAIProvider({ ...common(options), model, kind, ...endpoint });
}
