import { createInterface } from 'node:readline/promises';
import type { Approver, ReviewDecision, ReviewRequest } from '../runtime/context.js';
import type { Style } from './style.js';

/** Colours a unified diff line by line. */
export function colorDiff(diff: string, style: Style): string {
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('===')) return style.bold(line);
      if (line.startsWith('+')) return style.green(line);
      if (line.startsWith('-')) return style.red(line);
      if (line.startsWith('@@')) return style.cyan(line);
      return line;
    })
    .join('\n');
}

/** The review text shown before a decision: the patch, then the RED and GREEN evidence it earned. */
export function renderReview(request: ReviewRequest, style: Style): string {
  return [
    style.bold(`Review the fix for: ${request.task}`),
    `patch ${request.patch.sha.slice(0, 12)} · ${request.patch.files.join(', ')} · ${request.patch.changedLines} changed lines`,
    '',
    colorDiff(request.patch.diff.trimEnd(), style),
    '',
    style.red(`before (RED):  ${request.red.message}`),
    style.green(`after (GREEN): ${request.green.message}`),
    '',
  ].join('\n');
}

/** Asks the person at the terminal: approve, reject with a reason, or quit (resumable). */
export function terminalApprover(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  style: Style,
  who: string,
): Approver {
  return {
    async review(request: ReviewRequest): Promise<ReviewDecision> {
      output.write(renderReview(request, style));
      const rl = createInterface({ input, output });
      try {
        for (;;) {
          const answer = (await rl.question('[a]pprove, [r]eject, [q]uit (resumable)? '))
            .trim()
            .toLowerCase();
          if (answer === 'a' || answer === 'approve') return { decision: 'approve', by: who };
          if (answer === 'q' || answer === 'quit') return { decision: 'quit', by: who };
          if (answer === 'r' || answer === 'reject') {
            const reason = (await rl.question('Reason (goes back to the model): ')).trim();
            return { decision: 'reject', by: who, reason: reason || 'rejected without a reason' };
          }
        }
      } finally {
        rl.close();
      }
    },
  };
}
