import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ChildRun } from './child-run.js';

/** What every tool of the server shares: where it runs, and the runs its children drive. */
export interface ServerContext {
  /** The directory the server was started in (or -C); runs and checks start from it. */
  cwd: string;
  /** The repository root containing `cwd` (real path). */
  root: string;
  env: NodeJS.ProcessEnv;
  /** Runs started by this server, by run id, while the server lives. */
  runs: Map<string, ChildRun>;
  /** A line on stderr: stdout carries the protocol only. */
  log: (line: string) => void;
}

/** The request a tool handler serves. */
export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Reports progress to the client when it asked for it (a progressToken in the request's _meta); a client that did
 * not gets nothing. Each call counts one step, so progress only grows.
 */
export function progressReporter(extra: ToolExtra): (message: string) => void {
  const token = extra._meta?.progressToken;
  let step = 0;
  return (message) => {
    if (token === undefined) return;
    step += 1;
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress: step, message },
      })
      .catch(() => undefined);
  };
}
