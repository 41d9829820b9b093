import { createElement } from 'react';
import { render } from 'ink';
import type { Approver, ReviewDecision, ReviewRequest } from '../runtime/context.js';
import { externalEditor, type OpenEditor } from '../ui/external-editor.js';
import { ReviewScreen } from '../ui/review-screen.js';
import { ThemeProvider } from '../ui/theme.js';

export interface InkApproverOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  who: string;
  color: boolean;
  openEditor?: OpenEditor;
}

/**
 * An Approver for a person at a terminal: renders the review screen with ink for each GREEN patch and resolves
 * with their decision. Only for TTYs; without one, `agentctl fix` never waits for a key.
 */
export function inkApprover(opts: InkApproverOptions): Approver {
  const openEditor = opts.openEditor ?? externalEditor(process.env);
  return {
    review(request: ReviewRequest): Promise<ReviewDecision> {
      return new Promise((resolve) => {
        let settled = false;
        const onDecision = (decision: ReviewDecision) => {
          if (settled) return;
          settled = true;
          // Called from the screen's own effect, after its outcome line is painted; unmount outside React's commit.
          setImmediate(() => {
            app.unmount();
            resolve(decision);
          });
        };
        const screen = createElement(ReviewScreen, { request, who: opts.who, onDecision, openEditor });
        const app = render(createElement(ThemeProvider, { color: opts.color, children: screen }), {
          stdin: opts.stdin,
          stdout: opts.stdout,
          exitOnCtrlC: false,
          patchConsole: false,
        });
      });
    },
  };
}
