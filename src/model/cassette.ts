import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PHASES } from '../core/phases.js';
import { ModelTurn, describeIssues } from '../core/proposals.js';
import { ConfigError } from '../errors.js';

/** A scripted model: the turns it will play, in order. */
export const Cassette = z
  .object({
    version: z.literal(1),
    name: z.string().min(1),
    description: z.string().default(''),
    task: z.string().optional(),
    turns: z
      .array(
        ModelTurn.extend({
          expect: z.enum(PHASES).optional().describe('The phase the runtime must be in when this turn plays'),
        }),
      )
      .min(1),
  })
  .strict();
export type Cassette = z.infer<typeof Cassette>;

/** Reads and validates a cassette file; a bad one is a ConfigError naming the field. */
export async function loadCassette(file: string): Promise<Cassette> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Cannot read cassette ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'Check the path given to --model scripted:<file>.',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `Cassette ${file} is not valid JSON: ${(err as Error).message}`,
      'See docs/cassettes.md for the format.',
    );
  }
  const parsed = Cassette.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      `Cassette ${file} is invalid: ${describeIssues(parsed.error)}`,
      'See docs/cassettes.md for the format.',
    );
  }
  return parsed.data;
}
