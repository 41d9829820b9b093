import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { packageFile } from '../../paths.js';
import { teach } from '../help.js';
import type { CliIO } from '../io.js';

/** `agentctl mcp`: serves the gates over MCP on stdio until the client closes stdin; returns the exit code. */
export async function mcpCommand(io: CliIO): Promise<number> {
  const { serveMcp } = await import('../../mcp/server.js');
  const version = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string })
    .version;
  let stopRequested = (): void => undefined;
  const stop = new Promise<void>((resolve) => (stopRequested = resolve));
  // A host ends its server with SIGTERM (or Ctrl-C in a terminal): runs it started stop at a checkpoint first.
  const offInterrupt = io.onInterrupt(() => stopRequested());
  process.once('SIGTERM', stopRequested);
  try {
    await serveMcp({
      cwd: io.cwd,
      env: io.env,
      version,
      stdin: io.stdin,
      stdout: io.stdout,
      log: (line) => io.stderr.write(`${line}\n`),
      stop,
    });
  } finally {
    offInterrupt();
    process.off('SIGTERM', stopRequested);
  }
  return 0;
}

/** Adds `agentctl mcp` to the program. */
export function registerMcp(program: Command, io: CliIO, result: { code: number }): void {
  program
    .command('mcp')
    .summary('serve the gates as MCP tools over stdio, for Claude Code, Codex, Gemini CLI, Cursor')
    .description(
      'Serve the gates as Model Context Protocol tools on stdin/stdout, for the agent you already use:\n' +
        '  verify_red   a test patch judged by the RED gate on HEAD (read-only)\n' +
        '  gated_apply  test and fix patches: RED, GREEN, a commit on agentctl/<run-id>\n' +
        "  start_fix    a full run with agentctl's own model, in the background: a run id\n" +
        "  get_run      a run's phase, status, verdicts and outcome (read-only)\n" +
        '  ci_check     the ci check verdict for two commits (read-only)\n' +
        "  run_show     a run's timeline (read-only)\n" +
        'Your host starts it in the repository; it serves until the host closes stdin. Logs go to stderr.',
    )
    .action(async () => {
      result.code = await mcpCommand(io);
    });
  teach(program.commands.at(-1)!, {
    examples: [
      [
        'claude mcp add agentctl -- npx --no agentctl mcp',
        'register it in Claude Code (docs/mcp.md: others)',
      ],
      ['agentctl -C ~/src/app mcp', 'serve another repository'],
    ],
    env: ['ANTHROPIC_API_KEY', 'AGENTCTL_CACHE_DIR', 'AGENTCTL_BWRAP'],
    exitCodes: '0 the client closed the connection · 2 not in a git repository',
    more: 'See docs/mcp.md.\n',
  });
}
