import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { CONFIG_FILE } from './config-file.js';
import { Config, RUNNERS } from './config-schema.js';

export { CONFIG_FILE };

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

/** Parses config text; every failure is a ConfigError naming the problem and the fix. */
export function parseConfig(text: string, file = CONFIG_FILE): Config {
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
    text = await readFile(file, 'utf8');
  } catch (err) {
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
