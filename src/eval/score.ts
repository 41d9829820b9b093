import type { Observed } from './observe.js';
import { leakedSecrets, markersOutsideData } from './wire-checks.js';
import type { Expectation, Tamper } from './scenario.js';

/** One comparison between what a scenario expects and what the run did. */
export interface Check {
  field: string;
  expected: string;
  observed: string;
  ok: boolean;
}

const same = (a: readonly string[], b: readonly string[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Scores a run against its expectation. Some checks hold for every scenario whatever it says: the run did not
 * blow up, and a DONE run made exactly one commit (a crash-and-resume that committed twice fails here).
 */
export function score(expect: Expectation, seen: Observed, tampers: readonly Tamper[] = []): Check[] {
  const checks: Check[] = [];
  const add = (field: string, expected: string, observed: string, ok: boolean) =>
    checks.push({ field, expected, observed, ok });
  if (seen.error !== undefined) add('run', 'completes', seen.error, false);
  add('phase', expect.phase, seen.phase, expect.phase === seen.phase);
  if (seen.phase === 'DONE') add('commits', '1', String(seen.commits), seen.commits === 1);
  if (expect.attempts !== undefined)
    add('attempts', String(expect.attempts), String(seen.attempts), expect.attempts === seen.attempts);
  if (expect.attemptKinds !== undefined)
    add(
      'attemptKinds',
      expect.attemptKinds.join(','),
      seen.attemptKinds.join(','),
      same(expect.attemptKinds, seen.attemptKinds),
    );
  if (expect.reasonMatches !== undefined) {
    const re = new RegExp(expect.reasonMatches, 'i');
    add(
      'reasonMatches',
      `/${expect.reasonMatches}/`,
      seen.reasons.join(' | ').slice(0, 300) || '(no reason)',
      seen.reasons.some((r) => re.test(r)),
    );
  }
  if (expect.commitFiles !== undefined) {
    const want = [...expect.commitFiles].sort();
    add(
      'commitFiles',
      want.join(','),
      seen.commitFiles?.join(',') ?? '(no commit)',
      seen.commitFiles !== null && same(want, seen.commitFiles),
    );
  }
  if (expect.noCommit === true)
    add('noCommit', '0 commits', `${seen.commits} commits`, seen.commits === 0 && seen.commitFiles === null);
  if (expect.canaryUntouched === true)
    add(
      'canaryUntouched',
      'unchanged',
      seen.canaryChanges.join(',') || 'unchanged',
      seen.canaryChanges.length === 0,
    );
  if (expect.noStrayProcesses === true)
    add(
      'noStrayProcesses',
      'none',
      seen.strayProcesses.join(',') || 'none',
      seen.strayProcesses.length === 0,
    );
  for (const [path, text] of Object.entries(expect.commitFileLacks ?? {})) {
    const committed = seen.commitTexts[path];
    add(
      `commitFileLacks ${path}`,
      `no "${text}"`,
      committed === undefined ? '(no commit)' : committed.includes(text) ? `contains "${text}"` : 'clean',
      committed !== undefined && !committed.includes(text),
    );
  }
  if (expect.auditVerifies === true)
    add(
      'auditVerifies',
      'all checks hold',
      seen.auditFailures.join('; ') || 'all checks hold',
      seen.auditFailures.length === 0,
    );
  if (expect.wireLacks !== undefined) {
    const leaked =
      seen.wire === null ? ['(no wire: set modelFaults)'] : leakedSecrets(seen.wire, expect.wireLacks);
    add('wireLacks', 'none sent', leaked.join(', ').slice(0, 200) || 'none sent', leaked.length === 0);
  }
  if (expect.dataStaysData !== undefined) {
    const outside =
      seen.wire === null
        ? ['(no wire: set modelFaults)']
        : markersOutsideData(seen.wire, expect.dataStaysData);
    add(
      'dataStaysData',
      'inside data blocks',
      outside[0]?.slice(0, 200) ?? 'inside data blocks',
      outside.length === 0,
    );
  }
  checks.push(...tamperChecks(tampers, seen));
  return checks;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Each tamper's commands against their expected exit code and output, and the journal left as it was. */
function tamperChecks(tampers: readonly Tamper[], seen: Observed): Check[] {
  const checks: Check[] = [];
  tampers.forEach((tamper, i) => {
    const outcome = seen.tamper[i];
    const name = `tamper ${tamper.edit}`;
    if (outcome === undefined) {
      checks.push({ field: name, expected: 'run on the journal', observed: 'not run', ok: false });
      return;
    }
    tamper.commands.forEach((command, j) => {
      const done = outcome.commands[j];
      const commit = escapeRegex(seen.commitSha?.slice(0, 12) ?? '(no commit)');
      const re = new RegExp(command.outputMatches.replaceAll('{{COMMIT}}', commit));
      const matched = done !== undefined && re.test(done.output);
      const ok = done !== undefined && done.exitCode === command.exitCode && matched;
      // The line that matched, else the first that says what went wrong, else the first.
      const lines = done?.output.trim().split('\n') ?? [];
      const output =
        lines.find((l) => re.test(l)) ?? lines.find((l) => /✗|agentctl:/.test(l)) ?? lines[0] ?? '';
      checks.push({
        field: `${name}: ${(done?.args ?? command.args).join(' ')}`,
        expected: `exit ${command.exitCode}, /${command.outputMatches}/`,
        observed:
          done === undefined ? 'not run' : `exit ${done.exitCode}: ${output.slice(0, 160) || '(no output)'}`,
        ok,
      });
    });
    checks.push({
      field: `${name}: journal`,
      expected: 'left as the edit made it',
      observed: outcome.journalChange || 'left as the edit made it',
      ok: outcome.journalChange === '',
    });
  });
  return checks;
}
