import { realpath } from 'node:fs/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { repoRoot } from '../git/repo.js';
import type { ServerContext } from './call-context.js';
import type { ChildRun } from './child-run.js';
import { registerTools } from './tools.js';

/** How long the server waits, when it closes, for the runs it started to stop at a checkpoint. */
const STOP_GRACE_MS = 1500;

const INSTRUCTIONS =
  'agentctl is a referee: it runs tests itself and decides whether a change may land. verify_red judges a test ' +
  'patch (it must fail for the right reason on HEAD); gated_apply takes a test patch and a fix patch through RED, ' +
  "GREEN and a commit on agentctl/<run-id>; start_fix starts a full run with agentctl's own model and get_run " +
  "polls it; ci_check applies the RED→GREEN rule to two commits; run_show prints a run's journal.";

export interface ServeOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  version: string;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  log: (line: string) => void;
  /** Resolves when the server should stop (a signal), besides the client closing stdin. */
  stop: Promise<void>;
}

/** Interrupts every run still going (each stops at a checkpoint, resumable) and waits a moment for them. */
async function stopRuns(runs: ReadonlyMap<string, ChildRun>, log: (line: string) => void): Promise<void> {
  const going = [...runs.values()].filter((r) => r.exit === null);
  for (const run of going) {
    log(`interrupting run ${run.runId}; agentctl resume ${run.runId} continues it`);
    run.interrupt();
  }
  await Promise.race([
    Promise.all(going.map((r) => r.done)),
    new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref()),
  ]);
}

/**
 * Serves the gates over MCP on stdin/stdout until the client closes stdin (or `stop` resolves). Stdout carries
 * the protocol only; everything else goes to `log` (stderr).
 */
export async function serveMcp(opts: ServeOptions): Promise<void> {
  const ctx: ServerContext = {
    cwd: opts.cwd,
    root: await realpath(await repoRoot(opts.cwd)),
    env: opts.env,
    runs: new Map(),
    log: opts.log,
  };
  const server = new McpServer({ name: 'agentctl', version: opts.version }, { instructions: INSTRUCTIONS });
  registerTools(server, ctx);
  const transport = new StdioServerTransport(
    opts.stdin as ConstructorParameters<typeof StdioServerTransport>[0],
    opts.stdout as ConstructorParameters<typeof StdioServerTransport>[1],
  );
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    opts.stdin.once('end', () => resolve());
    opts.stdin.once('close', () => resolve());
  });
  await server.connect(transport);
  opts.log(`agentctl mcp: serving ${ctx.root} on stdio`);
  await Promise.race([closed, opts.stop]);
  await stopRuns(ctx.runs, opts.log);
  await server.close();
}
