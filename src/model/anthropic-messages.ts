import type Anthropic from '@anthropic-ai/sdk';
import { objectInput, safeToolName, type TranscriptEntry } from './transcript.js';

/**
 * The transcript as Messages API messages, with a cache breakpoint on the last block so the next turn reads the
 * whole conversation so far from the prompt cache.
 */
export function anthropicMessages(view: readonly TranscriptEntry[]): Anthropic.MessageParam[] {
  const messages: Anthropic.MessageParam[] = view.map((entry) => {
    if (entry.role === 'assistant') return { role: 'assistant', content: assistantBlocks(entry) };
    const content: Anthropic.ContentBlockParam[] = entry.results.map((r) => ({
      type: 'tool_result',
      tool_use_id: r.id,
      content: r.content,
      ...(r.isError ? { is_error: true } : {}),
    }));
    for (const text of entry.texts) content.push({ type: 'text', text });
    return { role: 'user', content };
  });
  const last = messages.at(-1);
  if (last !== undefined && Array.isArray(last.content)) {
    const block = last.content.at(-1);
    if (block !== undefined) Object.assign(block, { cache_control: { type: 'ephemeral' } });
  }
  return messages;
}

function assistantBlocks(
  entry: Extract<TranscriptEntry, { role: 'assistant' }>,
): Anthropic.ContentBlockParam[] {
  const blocks: Anthropic.ContentBlockParam[] = [];
  // The API refuses empty text blocks and empty assistant turns.
  if (entry.text.trim() !== '') blocks.push({ type: 'text', text: entry.text });
  for (const call of entry.calls) {
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: safeToolName(call.name),
      input: objectInput(call.input),
    });
  }
  if (blocks.length === 0) blocks.push({ type: 'text', text: '(no reply)' });
  return blocks;
}
