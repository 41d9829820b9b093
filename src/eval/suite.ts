import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import {
  isGuardScenario,
  parseGuardScenario,
  readScenarioJson,
  runGuardScenario,
  type LoadedGuardScenario,
} from './guard-scenario.js';
import { runScenario } from './run-scenario.js';
import type { SabotageGate } from './sabotage.js';
import { loadScenario, type LoadedScenario } from './scenario.js';
import { score, type Check } from './score.js';

/** One scored scenario. */
export interface ScenarioResult {
  name: string;
  file: string;
  pass: boolean;
  checks: Check[];
  durationMs: number;
}

/**
 * Loads every *.json in `dir` (sorted by name), all before any runs, so a malformed file stops the eval at once
 * (ConfigError, exit 2) instead of after minutes of runs. `only` keeps the named scenarios.
 */
export async function loadSuite(
  dir: string,
  only: readonly string[] = [],
): Promise<Array<LoadedScenario | LoadedGuardScenario>> {
  const names = (
    await readdir(dir).catch(() => {
      throw new UsageError(
        `Cannot read the eval suite directory ${dir}.`,
        'Pass --suite <dir> with scenario *.json files.',
      );
    })
  )
    .filter((f) => f.endsWith('.json'))
    .sort();
  const loaded: Array<LoadedScenario | LoadedGuardScenario> = [];
  for (const name of names) {
    const file = join(dir, name);
    // Guard scenarios (`"kind": "guard"`) feed hook calls to agentctl guard; the rest are model runs.
    const raw = await readScenarioJson(file);
    loaded.push(isGuardScenario(raw) ? parseGuardScenario(file, raw) : await loadScenario(file));
  }
  const seen = new Set<string>();
  for (const l of loaded) {
    if (seen.has(l.scenario.name))
      throw new UsageError(`Two scenarios in ${dir} are named "${l.scenario.name}".`);
    seen.add(l.scenario.name);
  }
  const unknown = only.filter((o) => !seen.has(o));
  if (unknown.length > 0) throw new UsageError(`No scenario named ${unknown.join(', ')} in ${dir}.`);
  return only.length === 0 ? loaded : loaded.filter((l) => only.includes(l.scenario.name));
}

/** Runs scenarios one after another (each already runs test processes; parallel runs would fight for cores). */
export async function runSuite(
  scenarios: ReadonlyArray<LoadedScenario | LoadedGuardScenario>,
  opts: { sabotage?: SabotageGate; onResult?: (r: ScenarioResult) => void } = {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const loaded of scenarios) {
    const started = performance.now();
    const checks =
      'kind' in loaded
        ? await runGuardScenario(loaded)
        : score(loaded.scenario.expect, await runScenario(loaded, opts.sabotage), loaded.scenario.tamper);
    const result = {
      name: loaded.scenario.name,
      file: loaded.file,
      pass: checks.every((c) => c.ok),
      checks,
      durationMs: Math.round(performance.now() - started),
    };
    results.push(result);
    opts.onResult?.(result);
  }
  return results;
}
