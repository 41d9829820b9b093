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

/** The ways `tamper` edits a finished run's journal, as someone with write access to the file would. */
export const TAMPER_EDITS = ['flip-byte', 'cut-after-approval', 'rewrite-approver'] as const;

/** One command run on the tampered journal, and what it must do. */
const TamperCommand = z
  .object({
    args: z
      .array(z.string().min(1))
      .min(1)
      .describe('agentctl arguments; {{RUN}} is the run id, e.g. ["audit", "verify", "{{RUN}}"]'),
    exitCode: z.number().int().min(0).max(255),
    outputMatches: z
      .string()
      .refine((s) => isRegex(s.replaceAll('{{COMMIT}}', '0')), 'not a valid regular expression')
      .describe('regex over stdout and stderr; {{COMMIT}} is the first 12 hex digits of the run commit'),
  })
  .strict();

/** One edit of the finished run's journal, then commands that must notice it and leave the file as it is. */
const Tamper = z
  .object({
    edit: z.enum(TAMPER_EDITS),
    line: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('flip-byte: the 1-based line whose middle byte is flipped (a complete line before the last)'),
    by: z.string().min(1).optional().describe('rewrite-approver: the new approver name'),
    commands: z.array(TamperCommand).min(1),
  })
  .strict()
  .refine((t) => (t.edit === 'flip-byte') === (t.line !== undefined), {
    message: 'line is required by flip-byte and allowed only there',
    path: ['line'],
  })
  .refine((t) => (t.edit === 'rewrite-approver') === (t.by !== undefined), {
    message: 'by is required by rewrite-approver and allowed only there',
    path: ['by'],
  });
export type Tamper = z.infer<typeof Tamper>;

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
        'Play the cassette through a real provider and its loopback API (see modelProvider) that injects these faults',
      ),
    modelProvider: z
      .enum(['anthropic', 'openai'])
      .optional()
      .describe(
        'With modelFaults: anthropic (default; loopback Messages API) or openai (loopback Chat Completions API)',
      ),
    crash: z
      .object({
        failpoint: z.string().regex(/^[a-z_]+:[a-z_]+(@\d+)?$/, 'expected name@N, e.g. intent:after@8'),
      })
      .strict()
      .optional(),
    tamper: z
      .array(Tamper)
      .min(1)
      .optional()
      .describe('After the run: edit its journal, run commands on it, put the journal back; one entry each'),
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
