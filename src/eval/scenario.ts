import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { Cassette } from '../model/cassette.js';
import { describeIssues } from '../core/proposals.js';
import { ConfigError } from '../errors.js';

/** The terminal phases a scenario may expect. */
export const EXPECTED_PHASES = ['DONE', 'ESCALATED', 'BUDGET_EXHAUSTED', 'FAILED'] as const;

const AttemptKind = z.enum(['refused', 'malformed', 'scope', 'red_failed', 'green_failed', 'rejected']);

/** What a scenario must observe; every field but `phase` is optional and checked only when given. */
export const Expectation = z
  .object({
    phase: z.enum(EXPECTED_PHASES),
    attempts: z.number().int().min(0).optional(),
    attemptKinds: z.array(AttemptKind).optional(),
    reasonMatches: z
      .string()
      .refine((s) => isRegex(s), 'not a valid regular expression')
      .optional(),
    commitFiles: z.array(z.string()).optional(),
    noCommit: z.literal(true).optional(),
    canaryUntouched: z.literal(true).optional(),
    noStrayProcesses: z.literal(true).optional(),
    commitFileLacks: z
      .record(z.string().min(1), z.string().min(1))
      .optional()
      .describe('path → text the committed version of that file must not contain'),
    auditVerifies: z.literal(true).optional().describe('`agentctl audit verify` of the run passes'),
    wireLacks: z
      .array(z.string().min(1))
      .optional()
      .describe('texts that must not appear in anything sent to the model (needs modelFaults, [] for none)'),
    dataStaysData: z
      .string()
      .min(1)
      .optional()
      .describe('a marker that may reach the model only inside a repository-data block (needs modelFaults)'),
  })
  .strict();
export type Expectation = z.infer<typeof Expectation>;

/** The inline cassette form: a cassette without its own header fields. */
const InlineCassette = Cassette.pick({ turns: true }).strict();

/** One eval scenario file (docs/eval.md). */
export const Scenario = z
  .object({
    version: z.literal(1),
    name: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'use letters, digits, dot, dash or underscore'),
    description: z.string().default(''),
    fixture: z.string().min(1),
    config: z.record(z.string(), z.unknown()).optional(),
    cassette: z.union([z.string().min(1), InlineCassette]),
    task: z.string().min(1),
    modelFaults: z
      .array(
        z.object({
          beforeTurn: z.number().int().min(1).describe('1-based cassette turn the fault precedes'),
          fault: z.enum(['rate_limit', 'overloaded', 'server_error', 'drop', 'timeout']),
        }),
      )
      .optional()
      .describe(
        'Play the cassette through the Anthropic provider and a loopback Messages API that injects these faults',
      ),
    crash: z
      .object({
        failpoint: z.string().regex(/^[a-z_]+:[a-z_]+(@\d+)?$/, 'expected name@N, e.g. intent:after@8'),
      })
      .strict()
      .optional(),
    expect: Expectation,
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;

/** A scenario with where it came from, so relative paths resolve against its file. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** The cassette, parsed: a file reference is read and validated here, so a bad one fails before any run. */
  cassette: Cassette;
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** Reads and validates a scenario file; a bad one is a ConfigError (exit 2) naming the file and the field. */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const hint = 'See docs/eval.md for the scenario format.';
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`Scenario ${file} cannot be read as JSON: ${(err as Error).message}`, hint);
  }
  const parsed = Scenario.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(`Scenario ${file} is invalid: ${describeIssues(parsed.error)}`, hint);
  const scenario = parsed.data;
  let cassette: Cassette;
  if (typeof scenario.cassette === 'string') {
    const path = isAbsolute(scenario.cassette)
      ? scenario.cassette
      : resolve(dirname(file), scenario.cassette);
    let text: unknown;
    try {
      text = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new ConfigError(
        `Scenario ${file}: cassette: cannot read ${path}: ${(err as Error).message}`,
        hint,
      );
    }
    const c = Cassette.safeParse(text);
    if (!c.success)
      throw new ConfigError(`Scenario ${file}: cassette ${path}: ${describeIssues(c.error)}`, hint);
    cassette = c.data;
  } else {
    cassette = {
      version: 1,
      name: scenario.name,
      description: scenario.description,
      turns: scenario.cassette.turns,
    };
  }
  return { file, scenario, cassette };
}
