import type { GuardHost } from './events.js';

/** The three moments agentctl guards, whatever each host calls them. */
export type GuardMoment = 'pre-tool' | 'post-tool' | 'stop';

/** A hook call as agentctl reads it, host differences removed. */
export interface HookCall {
  host: GuardHost;
  moment: GuardMoment;
  /** The host's event name, as it sent it (PreToolUse, BeforeTool…). */
  event: string;
  session: string;
  cwd: string;
  tool: { name: string; input: Record<string, unknown> } | null;
}

/** What agentctl answers: allowed, or denied with the reason the host's model reads. */
export type GuardAnswer = { decision: 'allow' } | { decision: 'deny'; reason: string };

/** What the hook process prints and exits with. */
export interface HookReply {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The events each host names, by the CLI word that selects them (`agentctl guard claude pre-tool-use`). */
export const HOST_EVENTS: Record<GuardHost, Record<string, { event: string; moment: GuardMoment }>> = {
  // Claude Code and Codex CLI name their events alike (PreToolUse, PostToolUse, Stop).
  claude: {
    'pre-tool-use': { event: 'PreToolUse', moment: 'pre-tool' },
    'post-tool-use': { event: 'PostToolUse', moment: 'post-tool' },
    stop: { event: 'Stop', moment: 'stop' },
  },
  codex: {
    'pre-tool-use': { event: 'PreToolUse', moment: 'pre-tool' },
    'post-tool-use': { event: 'PostToolUse', moment: 'post-tool' },
    stop: { event: 'Stop', moment: 'stop' },
  },
  // Gemini CLI's tool events are BeforeTool/AfterTool; the end of a turn is AfterAgent.
  gemini: {
    'before-tool': { event: 'BeforeTool', moment: 'pre-tool' },
    'after-tool': { event: 'AfterTool', moment: 'post-tool' },
    'after-agent': { event: 'AfterAgent', moment: 'stop' },
  },
};

/** A hook input agentctl cannot read: it is denied (exit 2, the one blocking signal every host documents). */
export class HookInputError extends Error {}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new HookInputError(`the hook input has no ${field}`);
  return value;
}

/** Reads one hook input (the JSON document on stdin) for `host` and the CLI event word. */
export function parseHookInput(host: GuardHost, word: string, stdin: string): HookCall {
  const known = HOST_EVENTS[host][word];
  if (known === undefined)
    throw new HookInputError(
      `unknown ${host} event "${word}"; expected one of ${Object.keys(HOST_EVENTS[host]).join(', ')}`,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(stdin);
  } catch {
    throw new HookInputError('the hook input on stdin is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new HookInputError('the hook input on stdin is not a JSON object');
  const input = doc as Record<string, unknown>;
  const named = input.hook_event_name;
  if (named !== undefined && named !== known.event)
    throw new HookInputError(
      `the hook input is a ${JSON.stringify(named)} event, but the hook was installed for ${known.event}`,
    );
  const call: HookCall = {
    host,
    moment: known.moment,
    event: known.event,
    session: text(input.session_id, 'session_id'),
    cwd: text(input.cwd, 'cwd'),
    tool: null,
  };
  if (known.moment !== 'stop') {
    const toolInput = input.tool_input;
    call.tool = {
      name: text(input.tool_name, 'tool_name'),
      input:
        typeof toolInput === 'object' && toolInput !== null && !Array.isArray(toolInput)
          ? (toolInput as Record<string, unknown>)
          : {},
    };
  }
  return call;
}

const json = (value: unknown) => `${JSON.stringify(value)}\n`;

/**
 * The reply each host documents. An allow prints nothing a host would read as a permission grant (Claude Code
 * and Codex skip their own permission prompt on an explicit "allow"), so the user's own rules still apply.
 */
export function renderReply(
  call: Pick<HookCall, 'host' | 'moment' | 'event'>,
  answer: GuardAnswer,
): HookReply {
  const gemini = call.host === 'gemini';
  if (answer.decision === 'allow') return { exitCode: 0, stdout: gemini ? '{}\n' : '', stderr: '' };
  const reason = answer.reason;
  if (gemini) return { exitCode: 0, stdout: json({ decision: 'deny', reason }), stderr: '' };
  if (call.moment === 'pre-tool')
    return {
      exitCode: 0,
      stdout: json({
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'deny',
          permissionDecisionReason: reason,
        },
      }),
      stderr: '',
    };
  // Stop and PostToolUse: "block" keeps the model working and hands it the reason.
  return { exitCode: 0, stdout: json({ decision: 'block', reason }), stderr: '' };
}

/** The reply when the input itself cannot be read: exit 2 with the reason on stderr blocks on every host. */
export function unreadableReply(message: string): HookReply {
  return {
    exitCode: 2,
    stdout: '',
    stderr: `agentctl guard could not read the hook input, so it denies (fail closed): ${message}\n`,
  };
}
