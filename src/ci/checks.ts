import type { ClassifiedChange } from '../../gates/behavior-change.js';
import { checkRunnerEnv } from '../../gates/runner-env-policy.js';
import { failureLine } from '../../gates/red-gate.js';
import type { RedVerdict } from '../core/evidence.js';
import type { SuiteRuns } from './check.js';
import { runProblems } from './run-problems.js';
import type { ChangedFile } from './git-changes.js';
import type { TestDiff } from './test-diff.js';
import type { CheckResult, CiVerdict, Finding, RuleId, TestEvidence } from './verdict.js';

export interface VerdictInput {
  base: string;
  head: string;
  fork: string;
  files: ChangedFile[];
  changes: ClassifiedChange[];
  diff: TestDiff;
  runs: SuiteRuns | null;
  allowTestChanges: boolean;
}

const REASON_RULES: Record<RedVerdict['reason'], RuleId> = {
  red: 'test_wrong_reason',
  passes: 'test_passes_on_base',
  wrong_reason: 'test_wrong_reason',
  no_new_tests: 'test_not_collected',
  no_assertions: 'test_no_assertions',
  broke_existing: 'test_wrong_reason',
  expectation_unnamed: 'test_wrong_reason',
  expectations_locked: 'expectation_changed',
  run_failed: 'test_wrong_reason',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The first line head changed, for pointing an annotation at it. */
function firstChangedLine(file: ChangedFile | undefined): number | undefined {
  if (file?.after == null) return undefined;
  const before = (file.before ?? '').split('\n');
  const after = file.after.split('\n');
  const i = after.findIndex((line, n) => line !== before[n]);
  return i === -1 ? Math.max(1, after.length) : i + 1;
}

function behaviorCheck(changes: ClassifiedChange[]): CheckResult {
  const changing = changes.filter((c) => c.behaviorChanging);
  return {
    id: 'behavior',
    title: 'Behavior change',
    status: 'pass',
    summary:
      changing.length === 0
        ? `no behavior change in ${plural(changes.length, 'changed file')} (tests, docs, comments, formatting or types only)`
        : `${plural(changing.length, 'behavior-changing file')}: ${changing.map((c) => `${c.path} (${c.reason})`).join(', ')}`,
  };
}

function evidenceCheck(input: VerdictInput): {
  check: CheckResult;
  findings: Finding[];
  evidence: TestEvidence[];
} {
  const changing = input.changes.filter((c) => c.behaviorChanging);
  const title = 'RED evidence';
  if (changing.length === 0 || input.runs === null)
    return {
      check: {
        id: 'evidence',
        title,
        status: 'skipped',
        summary: 'no behavior change, so no failing test is needed',
      },
      findings: [],
      evidence: [],
    };
  const headState = new Map(input.runs.headFull.report.tests.map((t) => [t.id, t.state]));
  const evidence: TestEvidence[] = input.runs.judged.map((j) => {
    const change = j.verdict.changedExpectations?.find((c) => c.id === j.id);
    return {
      id: j.id,
      file: j.file,
      counts: j.verdict.ok && headState.get(j.id) === 'passed',
      onBase: j.verdict.ok ? j.verdict.message.replace(/^RED: /, '') : j.verdict.message,
      onHead: headState.get(j.id) ?? 'not run',
      stubbed: j.stubbed,
      ...(change === undefined ? {} : { changedExpectation: { old: change.old, new: change.new } }),
    };
  });
  const counted = evidence.filter((e) => e.counts);
  if (counted.length > 0)
    return {
      check: {
        id: 'evidence',
        title,
        status: 'pass',
        summary: `${counted.map((e) => e.onBase).join('; ')}; and passes on head`,
      },
      findings: [],
      evidence,
    };
  const findings: Finding[] = changing.map((c) => ({
    check: 'evidence',
    rule: 'no_test_evidence',
    file: c.path,
    ...(firstChangedLine(input.files.find((f) => f.path === c.path)) !== undefined
      ? { line: firstChangedLine(input.files.find((f) => f.path === c.path))! }
      : {}),
    message:
      evidence.length === 0
        ? `${c.path} changes behavior (${c.reason}) but the pull request adds or changes no test`
        : `${c.path} changes behavior (${c.reason}) but no new or changed test fails on base and passes on head`,
  }));
  for (const [i, e] of evidence.entries()) {
    const verdict = input.runs.judged[i]!.verdict;
    const line = input.diff.head.get(e.id)?.line;
    const where = { file: e.file, testId: e.id, ...(line !== undefined ? { line } : {}) };
    if (!verdict.ok)
      findings.push({
        check: 'evidence',
        rule: REASON_RULES[verdict.reason],
        ...where,
        message: verdict.message,
      });
    else
      findings.push({
        check: 'evidence',
        rule: 'test_fails_on_head',
        ...where,
        message: `${e.id} fails on base as it should, but is ${e.onHead} on head`,
      });
  }
  const summary =
    evidence.length === 0
      ? 'no new or changed test'
      : `none of ${plural(evidence.length, 'new or changed test')} fails on base for the right reason and passes on head`;
  return { check: { id: 'evidence', title, status: 'fail', summary }, findings, evidence };
}

function integrityCheck(input: VerdictInput): { check: CheckResult; findings: Finding[]; notes: string[] } {
  const findings = [...input.diff.integrity];
  // A rewritten expectation is an integrity matter when the base's config forbids it, whatever else counts.
  for (const j of input.runs?.judged ?? [])
    if (j.verdict.reason === 'expectations_locked')
      findings.push({
        check: 'integrity',
        rule: 'expectation_changed',
        file: j.file,
        testId: j.id,
        message: j.verdict.message,
      });
  if (input.runs !== null) {
    const headIds = new Set(input.runs.headFull.report.tests.map((t) => t.id));
    const baseIds = input.runs.baseFull.report.tests.map((t) => t.id);
    const lost = baseIds.filter((id) => !headIds.has(id));
    if (headIds.size < baseIds.length)
      findings.push({
        check: 'integrity',
        rule: 'tests_lost',
        message: `head collects ${headIds.size} tests, base ${baseIds.length}; missing on head: ${lost.join(', ') || '(renamed)'}`,
      });
  }
  const title = 'Test integrity';
  const renamed = input.diff.renamed.map((r) => `renamed, not deleted (body unchanged): ${r.from} → ${r.to}`);
  if (findings.length === 0)
    return {
      check: {
        id: 'integrity',
        title,
        status: 'pass',
        summary: `no test deleted, skipped or weakened; the collected set did not shrink${renamed.length > 0 ? `; ${plural(renamed.length, 'test')} renamed` : ''}`,
      },
      findings,
      notes: renamed,
    };
  if (input.allowTestChanges)
    return {
      check: {
        id: 'integrity',
        title,
        status: 'pass',
        summary: `${plural(findings.length, 'test change')} allowed by --allow-test-changes`,
      },
      findings: [],
      notes: [...renamed, ...findings.map((f) => `allowed by --allow-test-changes: ${f.message}`)],
    };
  return {
    check: { id: 'integrity', title, status: 'fail', summary: findings.map((f) => f.message).join('; ') },
    findings,
    notes: renamed,
  };
}

/** Production code that behaves differently under the test runner fails the check, whatever the tests say. */
function runnerEnvCheck(input: VerdictInput): { check: CheckResult; findings: Finding[] } {
  const production = new Set(input.changes.filter((c) => c.category === 'production').map((c) => c.path));
  const verdict = checkRunnerEnv(input.files.filter((f) => production.has(f.path)));
  const title = 'Runner environment';
  if (verdict.ok)
    return {
      check: {
        id: 'runner_env',
        title,
        status: 'pass',
        summary: 'no production line detects or patches the test runner',
      },
      findings: [],
    };
  const findings = verdict.findings.map((f): Finding => ({
    check: 'runner_env',
    rule: 'runner_env',
    file: f.path,
    line: f.line,
    message: `${f.path}:${f.line}: production code ${f.what}; it must behave the same under the test runner`,
  }));
  return { check: { id: 'runner_env', title, status: 'fail', summary: verdict.message }, findings };
}

function suiteCheck(input: VerdictInput): { check: CheckResult; findings: Finding[] } {
  const title = 'Full suite on head';
  if (input.runs === null)
    return {
      check: { id: 'suite', title, status: 'skipped', summary: 'only non-code files changed' },
      findings: [],
    };
  const { report, exec } = input.runs.headFull;
  const findings: Finding[] = [
    ...runProblems(input.runs).findings,
    ...report.collectionErrors
      .filter((e) => e.message !== report.problem?.message)
      .map((e): Finding => ({
        check: 'suite',
        rule: 'suite_fails',
        ...(e.file ? { file: e.file } : {}),
        message: `${e.file || 'the run'} fails to load on head: ${e.class}: ${failureLine(e.message)}`,
      })),
    ...report.tests
      .filter((t) => t.state === 'failed')
      .map((t): Finding => {
        const line = input.diff.head.get(t.id)?.line;
        return {
          check: 'suite',
          rule: 'suite_fails',
          file: t.file,
          testId: t.id,
          ...(line !== undefined ? { line } : {}),
          message: `${t.id} fails on head: ${t.failure?.class ?? 'unknown'}: ${failureLine(t.failure?.message ?? '', t.failure?.expected, t.failure?.actual)}`,
        };
      }),
  ];
  if (report.timedOut)
    findings.push({ check: 'suite', rule: 'suite_fails', message: 'the suite timed out on head' });
  if (findings.length === 0 && exec.exitCode !== 0)
    findings.push({
      check: 'suite',
      rule: 'suite_fails',
      message: `the test command exited with ${exec.exitCode ?? exec.signal} on head without a failing test: ${report.outputTail.trim().split('\n').at(-1) ?? ''}`,
    });
  const passed = report.tests.filter((t) => t.state === 'passed').length;
  return findings.length === 0
    ? {
        check: { id: 'suite', title, status: 'pass', summary: `${plural(passed, 'test')} passed on head` },
        findings,
      }
    : {
        check: { id: 'suite', title, status: 'fail', summary: plural(findings.length, 'failure') },
        findings,
      };
}

/** Turns the classification, the RED judgements and the suite runs into the check's verdict. */
export function buildVerdict(input: VerdictInput): CiVerdict {
  const evidence = evidenceCheck(input);
  const integrity = integrityCheck(input);
  const suite = suiteCheck(input);
  const runnerEnv = runnerEnvCheck(input);
  const checks = [
    behaviorCheck(input.changes),
    evidence.check,
    integrity.check,
    runnerEnv.check,
    suite.check,
  ];
  const warnings =
    input.runs === null ? [] : [input.runs.baseFull.exec.warning, input.runs.headFull.exec.warning];
  return {
    ok: checks.every((c) => c.status !== 'fail'),
    base: input.base,
    head: input.head,
    mergeBase: input.fork,
    changes: input.changes,
    checks,
    findings: [...evidence.findings, ...integrity.findings, ...runnerEnv.findings, ...suite.findings],
    evidence: evidence.evidence,
    notes: [...new Set(warnings.filter((w): w is string => w !== undefined)), ...integrity.notes],
    runnerOutput: runProblems(input.runs).output,
    sandboxed:
      input.runs === null ? null : input.runs.baseFull.exec.sandboxed && input.runs.headFull.exec.sandboxed,
  };
}
