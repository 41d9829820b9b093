import { useEffect, useSyncExternalStore } from 'react';
import { Box, Static, useApp, useInput } from 'ink';
import type { OpenEditor } from './external-editor.js';
import { LineInput } from './line-input.js';
import type { ReplSession } from './repl-session.js';
import { ReviewScreen } from './review-screen.js';
import { RunPanel } from './run-panel.js';
import { T } from './theme.js';

export interface ReplAppProps {
  session: ReplSession;
  who: string;
  openEditor?: OpenEditor;
}

/**
 * The REPL: scrollback above (ink's Static, written once), then the live run, then either the review of a
 * GREEN patch or the prompt. Keys and decisions go to the session; nothing here decides about a patch.
 */
export function ReplApp({ session, who, openEditor }: ReplAppProps) {
  const snap = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const { exit } = useApp();

  useEffect(() => {
    if (snap.exit !== null) exit();
  }, [snap.exit, exit]);

  // Ctrl-C reaches us as a key: ink runs with exitOnCtrlC off and the terminal in raw mode.
  useInput((input, key) => {
    if (key.ctrl && input === 'c') session.interrupt();
  });

  return (
    <Box flexDirection="column">
      <Static items={snap.log}>
        {(line) => (
          <T key={line.id} tone={line.tone}>
            {line.text}
          </T>
        )}
      </Static>
      <Box flexDirection="column">
        {snap.run !== null && snap.busy ? (
          <RunPanel view={snap.run} now={session.now} quiet={snap.review !== null} />
        ) : null}
        {snap.review !== null ? (
          <ReviewScreen
            key={snap.review.patch.sha}
            request={snap.review}
            who={who}
            onDecision={(d) => session.decide(d)}
            openEditor={openEditor}
          />
        ) : snap.exit === null ? (
          <LineInput
            prompt="agentctl › "
            history={snap.history}
            onSubmit={(line) => session.submit(line)}
            placeholder={
              snap.question !== null
                ? 'your answer to the model'
                : snap.busy
                  ? 'a run is in progress · /status /budget /diff'
                  : 'a task, or /help'
            }
          />
        ) : null}
      </Box>
    </Box>
  );
}
