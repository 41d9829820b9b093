import type { RedVerdict } from '../core/evidence.js';
import type { ReviewRequest } from '../runtime/context.js';
import type { Tone } from './theme.js';

/** One line of text and how it looks. */
export type ToneLine = [text: string, tone: Tone];

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

function message(text: string, details: boolean): ToneLine[] {
  const lines = details
    ? text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1)
    : [firstLine(text)];
  return lines.map((l) => [`    ${l}`, 'dim']);
}

/** Existing tests whose expectation the test patch changed: old → new, so the reviewer sees what is reversed. */
function expectationLines(red: RedVerdict): ToneLine[] {
  const changes = red.changedExpectations ?? [];
  if (changes.length === 0) return [];
  const out: ToneLine[] = [
    ['', 'plain'],
    [`Changed expectations (${changes.length} existing test${changes.length === 1 ? '' : 's'})`, 'warn'],
  ];
  for (const c of changes) {
    out.push([`~ ${c.id}`, 'warn']);
    for (const l of c.old) out.push([`    old: ${l}`, 'del']);
    for (const l of c.new) out.push([`    new: ${l}`, 'add']);
  }
  return out;
}

/**
 * What the patch earned, as lines: each new test failing before the fix (RED) and passing after it (GREEN);
 * with `details`, full messages, report hashes and both patch hashes.
 */
export function evidenceLines(request: ReviewRequest, details: boolean): ToneLine[] {
  if ('change' in request) return changeEvidenceLines(request, details);
  const { red, green, patch, testPatch } = request;
  const failures =
    red.failures.length > 0
      ? red.failures
      : red.newTestIds.map((id) => ({ id, class: '', message: red.message }));
  const out: ToneLine[] = [['Evidence', 'bold']];
  for (const f of failures) {
    out.push([`✗ before (RED): ${f.id}`, 'error']);
    const [first = ['', 'dim'], ...rest] = message(f.message, details);
    out.push([`    ${f.class ? `${f.class}: ` : ''}${first[0].trimStart()}`, 'dim'], ...rest);
  }
  for (const id of red.newTestIds) out.push([`✓ after (GREEN): ${id} passes`, 'ok']);
  out.push(...message(green.message, details));
  out.push(...expectationLines(red));
  if (!details) return out;
  const rows: Array<[string, string]> = [
    ['RED verdict', red.message],
    ['RED report', red.reportSha],
    ['GREEN verdict', green.message],
    ['GREEN report', green.reportSha],
    ['fix patch', `${patch.sha} (${patch.changedLines} changed lines)`],
    ['fix summary', patch.summary],
    ['test patch', `${testPatch.sha} · ${testPatch.files.join(', ')}`],
  ];
  if (green.preexistingFailures.length > 0)
    rows.push(['failing before the run', green.preexistingFailures.join(', ')]);
  if (green.reverted.length > 0) rows.push(['locked files reverted', green.reverted.join(', ')]);
  out.push(['', 'plain'], ['Details', 'bold']);
  for (const [k, v] of rows) out.push([`${k}: ${v}`, 'plain']);
  return out;
}

/** A non-behavioral change earned no RED: each file's judgement, then the full suite staying GREEN. */
function changeEvidenceLines(
  request: Extract<ReviewRequest, { change: unknown }>,
  details: boolean,
): ToneLine[] {
  const { change, green, patch } = request;
  const out: ToneLine[] = [['Evidence (non-behavioral change: no RED required)', 'bold']];
  for (const f of change.files) out.push([`✓ ${f.path}: ${f.reason}`, 'ok']);
  out.push(...message(green.message, details));
  if (!details) return out;
  out.push(['', 'plain'], ['Details', 'bold']);
  const rows: Array<[string, string]> = [
    ['GREEN report', green.reportSha],
    ['change patch', `${patch.sha} (${patch.changedLines} changed lines)`],
    ['change summary', patch.summary],
  ];
  for (const [k, v] of rows) out.push([`${k}: ${v}`, 'plain']);
  return out;
}
