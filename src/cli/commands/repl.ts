import { relative } from 'node:path';
import { createElement } from 'react';
import { render } from 'ink';
import { ExitCode } from '../../errors.js';
import type { RunContext } from '../../runtime/context.js';
import type { DriveOutcome } from '../../runtime/driver.js';
import { externalEditor } from '../../ui/external-editor.js';
import { ReplApp } from '../../ui/repl-app.js';
import { fileHistory, replHistoryPath } from '../../ui/repl-history.js';
import { ReplSession, type ReplDeps, type RunOutcome } from '../../ui/repl-session.js';
import { colorAllowed, ThemeProvider } from '../../ui/theme.js';
import type { CliIO } from '../io.js';

function outcomeOf(
  io: CliIO,
  result: DriveOutcome & { ctx: RunContext; alreadyFinished?: boolean },
): RunOutcome {
  return {
    runId: result.ctx.runId,
    runDir: relative(io.cwd, result.ctx.runDir) || result.ctx.runDir,
    state: result.state,
    paused: result.paused,
    alreadyFinished: result.alreadyFinished ?? false,
  };
}

/** The runtime, loaded on first use so the prompt appears before git, the journal and the gates are loaded. */
async function runtime() {
  const [journal, store, fold, resume, session, setup] = await Promise.all([
    import('../../journal/journal-file.js'),
    import('../../journal/run-store.js'),
    import('../../runtime/fold.js'),
    import('../../runtime/resume.js'),
    import('../../runtime/session.js'),
    import('../../runtime/run-setup.js'),
  ]);
  return { ...journal, ...store, ...fold, ...resume, ...session, ...setup };
}

/** The REPL's effects: the real runtime, journal and run setup, rooted at the user's directory. */
export function replDeps(io: CliIO): ReplDeps {
  const base = { cwd: io.cwd, env: io.env };
  return {
    who: io.env.USER ?? 'user',
    history: fileHistory(replHistoryPath(io.env)),
    configuredModel: async () => {
      const rt = await runtime();
      return (await rt.runConfig(await rt.runRoot(io.cwd))).model;
    },
    checkModel: async (spec) => {
      const rt = await runtime();
      const config = await rt.runConfig(await rt.runRoot(io.cwd));
      await rt.runModel({ ...base, spec, config, onRetry: () => undefined });
    },
    startRun: async (task, spec, hooks) => {
      const rt = await runtime();
      const setup = await rt.setupRun({ ...base, model: spec, surface: () => ({ session: hooks }) });
      const result = await rt.startFix(setup.root, task, {
        ...setup.session,
        config: setup.config,
        ...(setup.runId !== undefined ? { runId: setup.runId } : {}),
      });
      return outcomeOf(io, result);
    },
    resumeRun: async (runId, spec, hooks) => {
      const rt = await runtime();
      const root = await rt.runRoot(io.cwd);
      const folded = rt.foldJournal((await rt.readJournal(await rt.requireJournal(root, runId))).entries);
      const setup = await rt.setupRun({
        ...base,
        model: spec,
        resume: { config: folded.ctx.config, modelSpec: folded.modelSpec },
        surface: () => ({ session: hooks }),
      });
      const result = await rt.resumeRun(io.cwd, runId, setup.session);
      return outcomeOf(io, result);
    },
    listRuns: async () => {
      const rt = await runtime();
      return rt.listRuns(await rt.runRoot(io.cwd));
    },
  };
}

/**
 * `agentctl` with no command: the interactive REPL. Needs a terminal for keys; without one it says so and
 * exits 2 rather than wait for input that cannot come.
 */
export async function replCommand(io: CliIO, deps: ReplDeps = replDeps(io)): Promise<number> {
  if (io.stdin.isTTY !== true || io.stdout.isTTY !== true) {
    io.stderr.write(
      'agentctl: the interactive REPL needs a terminal.\n  Run a single fix instead: agentctl fix "<task>" --model scripted:<cassette.json> (see agentctl --help)\n',
    );
    return ExitCode.usage;
  }
  const session = new ReplSession(deps);
  session.print(`agentctl · ${io.cwd} · type a task, or /help`, 'bold');
  const app = render(
    createElement(ThemeProvider, {
      color: colorAllowed(io.env),
      children: createElement(ReplApp, { session, who: deps.who, openEditor: externalEditor(io.env) }),
    }),
    { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, exitOnCtrlC: false },
  );
  // Warm the runtime while the user reads the prompt; the first run then starts at once.
  setTimeout(() => void runtime().catch(() => undefined), 0);
  // A SIGINT from outside the terminal (kill -INT) means what Ctrl-C means.
  const removeHandler = io.onInterrupt(() => session.interrupt());
  try {
    await app.waitUntilExit();
    const shown = session.getSnapshot().log.length;
    if (session.getSnapshot().busy) io.stderr.write('agentctl: waiting for the run to reach a checkpoint…\n');
    await session.settled();
    // Ink is gone; whatever the run said while stopping is printed plainly.
    for (const line of session.getSnapshot().log.slice(shown)) io.stdout.write(`${line.text}\n`);
    return session.getSnapshot().exit ?? ExitCode.ok;
  } finally {
    removeHandler();
  }
}
