import type { SuiteRuns } from './check.js';
import type { Finding, RunnerOutput } from './verdict.js';

/**
 * What the suite runs of a check could not prove, as findings: head's suite must run and collect tests (no
 * green without tests); base's must give a usable report (an empty base suite is fine: a pull request may add
 * the first tests). Each finding names the runner, the command and its output; the output itself is returned
 * to be shown in full.
 */
export function runProblems(runs: SuiteRuns | null): { findings: Finding[]; output: RunnerOutput[] } {
  if (runs === null) return { findings: [], output: [] };
  const findings: Finding[] = [];
  const output: RunnerOutput[] = [];
  const sides = [
    ['head', runs.headFull.report],
    ['base', runs.baseFull.report],
  ] as const;
  for (const [side, report] of sides) {
    const problem = report.problem;
    if (problem === undefined || (side === 'base' && problem.kind === 'no_tests')) continue;
    findings.push({
      check: 'suite',
      rule: 'suite_fails',
      message: `the full suite on ${side} proves nothing: ${problem.message}`,
    });
    output.push({ side, message: problem.message, outputTail: problem.outputTail });
  }
  return { findings, output };
}
