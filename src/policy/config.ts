import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { CONFIG_FILE } from './config-file.js';
import { Config, RUNNERS } from './config-schema.js';

export { CONFIG_FILE };

/** The largest config file read; a real one is a few hundred bytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** The deepest nesting of objects and arrays accepted; the schema itself is three levels deep. */
export const MAX_CONFIG_DEPTH = 32;

/** The deepest nesting of `{`/`[` in JSON text, in one linear pass (strings skipped), so nothing recurses. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

/** Refuses config text too large or too deeply nested to parse and explain safely. */
function checkBounds(text: string, file: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) throw tooLarge(file, bytes);
  const depth = nestingDepth(text);
  if (depth > MAX_CONFIG_DEPTH) {
    throw new ConfigError(
      `${file} nests objects and arrays ${depth} levels deep; the limit is ${MAX_CONFIG_DEPTH}.`,
      `Fix ${file} (the settings are at most three levels deep), or run \`agentctl init --force\`.`,
    );
  }
}

function tooLarge(file: string, bytes: number): ConfigError {
  return new ConfigError(
    `${file} is ${bytes} bytes; the limit is ${MAX_CONFIG_BYTES} bytes.`,
    `Fix ${file} (a config is a few hundred bytes), or run \`agentctl init --force\`.`,
  );
}

/** What to do about the most common mistakes, keyed by the dotted field path. */
const FIXES: Record<string, string> = {
  'test.runner': `set "test.runner" to one of ${RUNNERS.map((r) => `"${r}"`).join(', ')}`,
  'test.command': 'give "test.command" as an argv array such as ["npx", "vitest", "run"]',
  'repair.maxAttempts': 'use a whole number from 1 to 20',
  'sandbox.mode': 'use "auto", "required" or "off"',
};

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Turns zod issues into one message that names each field, its value and the fix. */
export function explainConfigIssues(file: string, input: unknown, error: z.ZodError): ConfigError {
  const lines = error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(top level)';
    const value = valueAt(input, issue.path);
    const shown = value === undefined ? 'missing' : JSON.stringify(value)?.slice(0, 80);
    const fix = FIXES[field] ?? issue.message;
    const extra =
      issue.code === 'unrecognized_keys'
        ? ` (unknown key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')})`
        : '';
    return `  ${field}: ${shown}${extra} — ${fix}`;
  });
  return new ConfigError(
    `${file} is invalid:\n${lines.join('\n')}`,
    `Edit ${file}, or run \`agentctl init --force\` to write a fresh one.`,
  );
}

/** Parses config text; every failure (size and depth bounds included) is a ConfigError naming the problem and fix. */
export function parseConfig(text: string, file = CONFIG_FILE): Config {
  checkBounds(text, file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `${file} is not valid JSON: ${(err as Error).message}`,
      `Fix the JSON syntax in ${file}, or run \`agentctl init --force\`.`,
    );
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) throw explainConfigIssues(file, raw, parsed.error);
  return parsed.data;
}

/** Loads `agentctl.config.json` from a repo root. */
export async function loadConfig(repoRoot: string): Promise<Config> {
  const file = join(repoRoot, CONFIG_FILE);
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > MAX_CONFIG_BYTES) throw tooLarge(CONFIG_FILE, size);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(
        `No ${CONFIG_FILE} in ${repoRoot}.`,
        'Run `agentctl init` to detect your test runner and write one.',
      );
    }
    throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  return parseConfig(text, CONFIG_FILE);
}
