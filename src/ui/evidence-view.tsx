import { Box } from 'ink';
import type { ReviewRequest } from '../runtime/context.js';
import { T } from './theme.js';

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

/** What the patch earned: each new test failing before the fix (RED) and passing after it (GREEN). */
export function EvidenceView({ request, details }: { request: ReviewRequest; details: boolean }) {
  const { red, green } = request;
  const failures =
    red.failures.length > 0
      ? red.failures
      : red.newTestIds.map((id) => ({ id, class: '', message: red.message }));
  return (
    <Box flexDirection="column">
      <T tone="bold">Evidence</T>
      {failures.map((f) => (
        <Box key={`red-${f.id}`} flexDirection="column">
          <T tone="error">✗ before (RED): {f.id}</T>
          <T tone="dim">
            {'    '}
            {f.class ? `${f.class}: ` : ''}
            {details ? f.message : firstLine(f.message)}
          </T>
        </Box>
      ))}
      {red.newTestIds.map((id) => (
        <T key={`green-${id}`} tone="ok">
          ✓ after (GREEN): {id} passes
        </T>
      ))}
      <T tone="dim">
        {'    '}
        {details ? green.message : firstLine(green.message)}
      </T>
      {details ? <Details request={request} /> : null}
    </Box>
  );
}

function Details({ request }: { request: ReviewRequest }) {
  const { red, green, patch, testPatch } = request;
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
  return (
    <Box flexDirection="column" marginTop={1}>
      <T tone="bold">Details</T>
      {rows.map(([k, v]) => (
        <T key={k}>
          <T tone="dim">{k}: </T>
          {v}
        </T>
      ))}
    </Box>
  );
}
