import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { AgentctlError } from '../errors.js';
import { resolveRunId } from '../cli/run-id.js';
import { progressReporter, type ServerContext, type ToolExtra } from './call-context.js';
import { gatedApply, startFix, verifyRed } from './run-tools.js';
import { runTimeline, runView } from './run-view.js';
import {
  CiCheckInput,
  CiVerdictOutput,
  GatedApplyInput,
  GatedApplyOutput,
  RunRefInput,
  RunShowOutput,
  RunView,
  StartFixInput,
  StartFixOutput,
  VerifyRedInput,
  VerifyRedOutput,
} from './schemas.js';

/** Every tool the server offers. */
export const MCP_TOOL_NAMES = [
  'verify_red',
  'gated_apply',
  'start_fix',
  'get_run',
  'ci_check',
  'run_show',
] as const;
export type McpToolName = (typeof MCP_TOOL_NAMES)[number];

/** One tool: its contract (schemas, annotations) and what it does. */
interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  run(ctx: ServerContext, args: z.infer<I>, extra: ToolExtra): Promise<z.infer<O>>;
  /** The first line of the text content, for hosts that show text rather than structured content. */
  headline(out: z.infer<O>): string;
}

/** Whoever asks about a run by id gets the run this server started under that id, or the one `runs show` finds. */
async function runIdOf(ctx: ServerContext, typed: string): Promise<string> {
  return ctx.runs.has(typed) ? typed : resolveRunId(ctx.cwd, typed);
}

const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, openWorldHint: false };

const TOOLS: { [N in McpToolName]: ToolSpec<z.ZodObject, z.ZodObject> } = {
  verify_red: spec({
    title: 'Verify RED',
    description:
      "Run a test patch on the repository's current HEAD, in agentctl's sandbox, and judge it by the RED gate: each " +
      'new test must fail for the right reason (an assertion, not-implemented, or an error thrown from production ' +
      'code). A test that passes, or fails by a syntax error, a missing module or a timeout, is refused. Test files ' +
      'only. Changes nothing in the checkout or its branches; the check is journaled under .agentctl/runs/.',
    input: VerifyRedInput,
    output: VerifyRedOutput,
    annotations: { ...READ_ONLY, idempotentHint: true },
    run: verifyRed,
    headline: (o) => `RED ${o.accepted ? 'accepted' : 'refused'} (run ${o.runId}): ${o.message}`,
  }),
  gated_apply: spec({
    title: 'Gated apply',
    description:
      'Apply a test patch and a fix patch through the full gated run: RED for the test on HEAD, then the fix in a ' +
      'sandboxed worktree, GREEN (the new tests, then the whole suite, test integrity), and a commit on the branch ' +
      'agentctl/<run-id> with evidence. The checkout and its current branch are never touched. One attempt: a ' +
      'refused patch ends the run with its verdict. Can take minutes; send a progressToken to see each step.',
    input: GatedApplyInput,
    output: GatedApplyOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: gatedApply,
    headline: (o) =>
      o.committed
        ? `committed ${o.commit ?? ''} on ${o.branch ?? ''} (run ${o.runId})`
        : o.phase === 'REVIEW'
          ? `GREEN, but larger than approval.maxAutoApproveLines: review it with agentctl resume ${o.runId}`
          : `not committed: ${o.phase}: ${o.reason ?? 'see the verdicts'} (run ${o.runId})`,
  }),
  start_fix: spec({
    title: 'Start a fix',
    description:
      "Start a full agentctl fix run (agentctl's own model writes the test and the fix; the runtime gates them) in " +
      'the background and return its run id at once. Poll get_run with the id until its status is finished or ' +
      'stopped. GREEN patches are approved by policy (approval.maxAutoApproveLines); the commit lands on ' +
      'agentctl/<run-id>.',
    input: StartFixInput,
    output: StartFixOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    run: startFix,
    headline: (o) => `started run ${o.runId}; poll get_run with this id`,
  }),
  get_run: spec({
    title: 'Get a run',
    description:
      "A run's phase, status (running, finished, stopped), attempts, every RED and GREEN verdict so far, refused " +
      'proposals, and the outcome (commit and branch, or why it stopped), folded from its journal.',
    input: RunRefInput,
    output: RunView,
    annotations: { ...READ_ONLY, idempotentHint: true },
    run: async (ctx, args) => {
      const runId = await runIdOf(ctx, args.runId);
      return runView(ctx.root, runId, ctx.runs.get(runId)?.exit === null);
    },
    headline: (o) => `run ${o.runId}: ${o.phase} (${o.status}, attempts ${o.attempts})`,
  }),
  ci_check: spec({
    title: 'CI check',
    description:
      'The RED→GREEN rule for a change between two commits, exactly as agentctl ci check --json gives it: a ' +
      'behavior change needs a new or changed test that fails on base for the right reason and passes on head; ' +
      'no test deleted, skipped or weakened; the full suite green on head. Runs the suites in scratch worktrees. ' +
      'Can take minutes; send a progressToken to see each step.',
    input: CiCheckInput,
    output: CiVerdictOutput,
    annotations: { ...READ_ONLY, idempotentHint: true },
    run: async (ctx, args, extra) => {
      const { runCiCheck } = await import('../ci/check.js');
      const progress = progressReporter(extra);
      return runCiCheck({
        cwd: ctx.cwd,
        base: args.base,
        ...(args.head !== undefined ? { head: args.head } : {}),
        allowTestChanges: args.allowTestChanges === true,
        progress: (message) => {
          ctx.log(`ci check: ${message}`);
          progress(message);
        },
      });
    },
    headline: (o) =>
      `ci check ${o.ok ? 'passed' : 'failed'}: ${o.findings.map((f) => f.message).join('; ') || 'no findings'}`,
  }),
  run_show: spec({
    title: 'Show a run',
    description: "A run's timeline, one line per journal entry, as agentctl runs show prints it.",
    input: RunRefInput,
    output: RunShowOutput,
    annotations: { ...READ_ONLY, idempotentHint: true },
    run: async (ctx, args) => {
      const runId = await runIdOf(ctx, args.runId);
      return { runId, entries: await runTimeline(ctx.root, runId) };
    },
    headline: (o) => `run ${o.runId}: ${o.entries.length} journal entries`,
  }),
};

/** Keeps each tool's handler typed by its own schemas while the table holds them all. */
function spec<I extends z.ZodObject, O extends z.ZodObject>(
  s: ToolSpec<I, O>,
): ToolSpec<z.ZodObject, z.ZodObject> {
  return s;
}

/** An expected failure (unknown run, bad ref, no config) or a bug, as a tool result the host's model can read. */
function errorResult(ctx: ServerContext, name: string, err: unknown): CallToolResult {
  const text =
    err instanceof AgentctlError
      ? `${err.message}${err.hint ? `\n${err.hint}` : ''}`
      : `internal error in ${name}: ${(err as Error).message}. This is a bug in agentctl; the server log (stderr) has the stack.`;
  if (!(err instanceof AgentctlError)) ctx.log(`${name}: ${(err as Error).stack ?? String(err)}`);
  return { isError: true, content: [{ type: 'text', text }] };
}

/** Registers every tool on the server. */
export function registerTools(server: McpServer, ctx: ServerContext): void {
  for (const name of MCP_TOOL_NAMES) {
    const tool = TOOLS[name];
    server.registerTool(
      name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: Record<string, unknown>, extra: ToolExtra): Promise<CallToolResult> => {
        try {
          const out = await tool.run(ctx, args, extra);
          const text = `${tool.headline(out)}\n${JSON.stringify(out, null, 2)}`;
          return { content: [{ type: 'text', text }], structuredContent: out };
        } catch (err) {
          return errorResult(ctx, name, err);
        }
      },
    );
  }
}
