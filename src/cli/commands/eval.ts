import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { SABOTAGE_GATES, SABOTAGE_HELP, type SabotageGate } from '../../eval/sabotage.js';
import { loadSuite, runSuite } from '../../eval/suite.js';
import { formatTable } from '../../eval/table.js';
import { packageFile } from '../../paths.js';
import type { CliIO } from '../io.js';

/** Options of `agentctl eval`. */
export interface EvalOptions {
  suite?: string;
  json?: boolean;
  only?: string[];
  sabotage?: string;
}

/**
 * `agentctl eval`: runs scenario files through the real runtime and prints a scored table. Exit 0 when every
 * scenario passes, 1 when any fails (named), 2 on a bad scenario file (ConfigError naming the field, thrown).
 */
export async function evalCommand(opts: EvalOptions, io: CliIO): Promise<number> {
  const dir = opts.suite === undefined ? packageFile('fixtures', 'eval') : resolve(io.cwd, opts.suite);
  let sabotage: SabotageGate | undefined;
  if (opts.sabotage !== undefined) {
    if (!(SABOTAGE_GATES as readonly string[]).includes(opts.sabotage))
      throw new UsageError(`--sabotage ${opts.sabotage}: expected one of ${SABOTAGE_GATES.join(', ')}.`);
    sabotage = opts.sabotage as SabotageGate;
  }
  const scenarios = await loadSuite(dir, opts.only ?? []);
  if (!opts.json && sabotage !== undefined)
    io.stdout.write(
      `Self-test: ${sabotage} is sabotaged (${SABOTAGE_HELP[sabotage]}); scenarios that depend on it should FAIL.\n`,
    );
  const results = await runSuite(scenarios, {
    ...(sabotage === undefined ? {} : { sabotage }),
    onResult: (r) => {
      if (opts.json) io.stdout.write(`${JSON.stringify({ type: 'scenario', ...r })}\n`);
      else io.stdout.write(`${r.pass ? 'pass' : 'FAIL'} ${r.name} (${(r.durationMs / 1000).toFixed(1)}s)\n`);
    },
  });
  const failed = results.filter((r) => !r.pass).map((r) => r.name);
  const code = failed.length === 0 ? 0 : 1;
  if (opts.json) {
    io.stdout.write(
      `${JSON.stringify({ type: 'result', total: results.length, passed: results.length - failed.length, failed, exitCode: code })}\n`,
    );
  } else {
    io.stdout.write(`\n${formatTable(results)}`);
  }
  return code;
}
