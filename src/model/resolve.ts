import { isAbsolute, resolve } from 'node:path';
import { ModelUnavailableError } from '../errors.js';
import { loadCassette } from './cassette.js';
import type { ModelProvider } from './provider.js';
import { ScriptedProvider } from './scripted.js';

const HOW =
  'Pass --model scripted:<cassette.json> to play a recorded model (see docs/cassettes.md), or set "model" in agentctl.config.json.';

/** The spec with a scripted cassette path made absolute, so a resumed run finds the same file. */
export function absoluteModelSpec(spec: string, cwd: string): string {
  if (!spec.startsWith('scripted:')) return spec;
  const file = spec.slice('scripted:'.length);
  return file === '' || isAbsolute(file) ? spec : `scripted:${resolve(cwd, file)}`;
}

/** Builds the provider a `--model` spec names; a missing or unknown one says how to get a usable model. */
export async function resolveModel(spec: string | undefined, cwd: string): Promise<ModelProvider> {
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
      throw new ModelUnavailableError(
        'The anthropic provider is not built in this version of agentctl.',
        'Use a scripted model for now: --model scripted:<cassette.json>.',
      );
    default:
      throw new ModelUnavailableError(`Unknown model kind "${kind}" in --model ${spec}.`, HOW);
  }
}
