import { addUsage, exhaustedBudget } from '../core/budget.js';
import type { RunEvent } from '../core/events.js';
import type { Phase } from '../core/phases.js';
import { READ_ONLY_TOOLS, type ToolCall, type ToolName } from '../core/proposals.js';
import type { RunState } from '../core/state.js';
import type { TestReport } from '../core/report.js';
import { ModelCallError, type ModelRequest, type ToolResultMessage } from '../model/provider.js';
import { toolsForPhase } from '../policy/tool-routing.js';
import type { RunContext, RunDeps } from './context.js';
import { runReadTool } from './read-tools.js';
import { fullReport, summarizeReport } from './report-summary.js';

/**
 * Asks the model for its next decision. Read-only calls the phase allows are answered and the model asked
 * again (each call is journaled and counted); the first turn that proposes, or says nothing more, goes back to
 * the machine, which alone decides what it means.
 */
export async function askModel(
  phase: Phase,
  feedback: string[],
  state: RunState,
  ctx: RunContext,
  deps: RunDeps,
  lastReport: () => TestReport | null,
): Promise<RunEvent> {
  const unattended = state.unattended === true;
  const tools = toolsForPhase(phase, { unattended });
  const where = { worktree: ctx.worktree, classify: deps.classify };
  const reportText = (full: boolean): string => {
    const report = lastReport();
    if (report === null) return 'No test report yet.';
    return full ? fullReport(report) : summarizeReport(report, state.baseline?.testIds ?? [], where);
  };
  let toolResults: ToolResultMessage[] = [];
  const usage = { turns: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const turnsLeft = state.limits.maxTurns - state.usage.turns;
  for (;;) {
    const request: ModelRequest = {
      runId: ctx.runId,
      task: ctx.task,
      phase,
      tools,
      feedback,
      toolResults,
      attempts: { used: state.attempts, max: state.maxAttempts },
      ...(unattended ? { unattended: true } : {}),
    };
    await deps.journal.append({ type: 'model_request', phase, payload: request });
    let response;
    try {
      response = await deps.model.next(request);
    } catch (err) {
      if (err instanceof ModelCallError) {
        await deps.journal.append({
          type: 'model_error',
          phase,
          payload: { message: err.message, retryable: err.retryable },
        });
        return { type: 'model_failed', message: err.message, retryable: err.retryable };
      }
      throw err;
    }
    usage.turns += 1;
    usage.inputTokens += response.usage.inputTokens;
    usage.outputTokens += response.usage.outputTokens;
    usage.costUsd += response.usage.costUsd;
    await deps.journal.append({
      type: 'model_response',
      phase,
      payload: {
        turn: response.turn,
        usage: response.usage,
        ...(response.meta ? { meta: response.meta } : {}),
        // A replayed response is already in the journal; the flag keeps resume from counting it twice.
        ...(response.replayed === true ? { replayed: true } : {}),
      },
    });
    await deps.failpoint('model:after_response');
    if (response.turn.text !== undefined && response.turn.text.length > 0)
      deps.progress.note(`model: ${response.turn.text}`);

    const oversized = oversizedProposal(phase, response.turn.calls, ctx.config.sandbox.maxPatchBytes);
    if (oversized !== null) return oversized;

    const calls = response.turn.calls;
    const onlyReads =
      calls.length > 0 &&
      calls.every((c) => READ_ONLY_TOOLS.includes(c.name as ToolName) && tools.includes(c.name as ToolName));
    // A real model could spend the token or cost budget inside one ask; stop the read loop when it does.
    const spent = exhaustedBudget(
      addUsage(state.usage, { ...usage, wallMs: deps.elapsedMs() }),
      state.limits,
    );
    if (!onlyReads || usage.turns >= turnsLeft || spent !== null) {
      return {
        type: 'model_turn',
        turn: response.turn,
        usage: { ...usage, wallMs: deps.elapsedMs() },
      };
    }
    toolResults = [];
    for (const call of calls) {
      await deps.journal.append({ type: 'tool_call', phase, payload: { call, policy: 'allowed' } });
      const result = await runReadTool(ctx.worktree, call, reportText, deps.trust.encodeData);
      await deps.journal.append({
        type: 'tool_result',
        phase,
        payload: {
          callId: result.callId,
          name: result.name,
          isError: result.isError,
          bytes: result.content.length,
        },
      });
      deps.progress.note(
        `tool ${call.name} ${JSON.stringify(call.input)}${result.isError ? ` → ${result.content}` : ''}`,
      );
      toolResults.push(result);
    }
    feedback = [];
  }
}

/**
 * A proposal larger than the patch limit is refused before the machine sees it, as an attempt: nothing then
 * copies it into further events or resolves it against the worktree. (Its turn's usage stays in the journaled
 * model_response only, since a refusal event carries none.)
 */
function oversizedProposal(phase: Phase, calls: readonly ToolCall[], maxBytes: number): RunEvent | null {
  if (phase !== 'AUTHOR_TEST' && phase !== 'AUTHOR_FIX') return null;
  for (const call of calls) {
    const bytes = Buffer.byteLength(JSON.stringify(call.input) ?? '');
    if (bytes <= maxBytes) continue;
    return {
      type: 'patch_refused',
      patchKind: phase === 'AUTHOR_TEST' ? 'test' : 'fix',
      rule: 'too_large',
      message: `the ${call.name} call carries ${bytes} bytes; the limit is ${maxBytes} (sandbox.maxPatchBytes). Propose a smaller change.`,
    };
  }
  return null;
}
