import type OpenAI from 'openai';
import type { ToolName } from '../../core/proposals.js';
import { canonicalJson } from '../../journal/canonical.js';
import { toolDefinitions } from '../tool-schemas.js';
import { objectInput, safeToolName, type TranscriptEntry } from '../transcript.js';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/**
 * The transcript as Chat Completions messages: the system prompt first, then each turn. Every tool call of an
 * assistant message is answered by a `tool` message right after it (the API refuses a request otherwise), and the
 * runtime's texts follow as one user message.
 */
export function chatMessages(
  system: string,
  systemRole: 'system' | 'developer',
  view: readonly TranscriptEntry[],
): Message[] {
  const out: Message[] = [{ role: systemRole, content: system }];
  for (const entry of view) {
    if (entry.role === 'assistant') {
      const text = entry.text.trim() === '' ? null : entry.text;
      if (entry.calls.length === 0) {
        out.push({ role: 'assistant', content: text ?? '(no reply)' });
        continue;
      }
      out.push({
        role: 'assistant',
        content: text,
        tool_calls: entry.calls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          // Malformed input goes back as an object holding it, so servers that parse arguments accept the turn;
          // canonical (sorted) keys make a resumed run, rebuilt from the journal, send the very same bytes.
          function: { name: safeToolName(call.name), arguments: canonicalJson(objectInput(call.input)) },
        })),
      });
      continue;
    }
    for (const result of entry.results) {
      // A tool message has no error flag, so an error says so in its text.
      const content = result.isError ? `Error: ${result.content}` : result.content;
      out.push({ role: 'tool', tool_call_id: result.id, content });
    }
    if (entry.texts.length > 0) out.push({ role: 'user', content: entry.texts.join('\n\n') });
  }
  return out;
}

/** The offered tools as Chat Completions function tools, from the same definitions the Messages API gets. */
export function chatTools(tools: readonly ToolName[]): OpenAI.Chat.Completions.ChatCompletionFunctionTool[] {
  return toolDefinitions(tools).map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
  }));
}
