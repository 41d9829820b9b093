import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaselineSummary } from '../core/evidence.js';
import type { TestReport } from '../core/report.js';
import { canonicalJson } from '../journal/canonical.js';
import { sha256Hex } from '../journal/hash.js';

/** Saves a report under the run dir by its hash; the hash is what evidence refers to. */
export async function saveReport(runDir: string, report: TestReport): Promise<string> {
  const text = canonicalJson(report);
  const sha = sha256Hex(text);
  const dir = join(runDir, 'reports');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${sha}.json`), `${JSON.stringify(report, null, 2)}\n`);
  return sha;
}

/** The parts of a baseline run the gates need later. */
export function summarizeBaseline(report: TestReport, reportSha: string): BaselineSummary {
  return {
    testIds: report.tests.map((t) => t.id),
    failing: report.tests.filter((t) => t.state === 'failed').map((t) => t.id),
    skipped: report.tests.filter((t) => t.state === 'skipped' || t.state === 'todo').map((t) => t.id),
    reportSha,
    collectionErrors: report.collectionErrors.length,
  };
}

/** One-line description of a report for progress output. */
export function describeReport(report: TestReport): string {
  const count = (s: string) => report.tests.filter((t) => t.state === s).length;
  const parts = [`${count('passed')} passed`, `${count('failed')} failed`];
  if (count('skipped') + count('todo') > 0) parts.push(`${count('skipped') + count('todo')} skipped`);
  if (report.collectionErrors.length > 0)
    parts.push(`${report.collectionErrors.length} file(s) failed to load`);
  if (report.timedOut) parts.push('timed out');
  return parts.join(', ');
}
