import { useEffect, useSyncExternalStore } from 'react';
import { Box, Static, useApp, useInput, useStdout } from 'ink';
import type { OpenEditor } from './external-editor.js';
import { LineInput } from './line-input.js';
import type { ReplSession } from './repl-session.js';
import { ReviewScreen } from './review-screen.js';
import { RunPanel } from './run-panel.js';
import { T } from './theme.js';
import { useTerminalSize } from './use-terminal-size.js';

// Bracketed paste: the terminal wraps a paste in ESC[200~ … ESC[201~, so a pasted block arrives as one task.
const PASTE_ON = '\u001B[?2004h';
const PASTE_OFF = '\u001B[?2004l';

/** Turns bracketed paste on while the REPL is mounted on a terminal, and off again however the process ends. */
function useBracketedPaste(): void {
  const { stdout } = useStdout();
  useEffect(() => {
    if (stdout.isTTY !== true) return;
    stdout.write(PASTE_ON);
    const off = () => stdout.write(PASTE_OFF);
    process.once('exit', off);
    return () => {
      process.off('exit', off);
      off();
    };
  }, [stdout]);
}

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
  const { rows } = useTerminalSize();
  useBracketedPaste();

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
        {/* The review takes the whole height it is given; the timeline would only push it past the terminal. */}
        {snap.run !== null && snap.busy && snap.review === null ? (
          <RunPanel view={snap.run} now={session.now} quiet={snap.review !== null} />
        ) : null}
        {snap.review !== null ? (
          <ReviewScreen
            key={snap.review.patch.sha}
            request={snap.review}
            who={who}
            onDecision={(d) => session.decide(d)}
            openEditor={openEditor}
            maxRows={rows - 1}
          />
        ) : snap.exit === null ? (
          <LineInput
            prompt="agentctl › "
            history={snap.history}
            onSubmit={(line) => session.submit(line)}
            onEof={() => session.endOfInput()}
            maxRows={Math.max(3, rows - 12)}
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
