import { relative, sep } from 'node:path';
import picomatch from 'picomatch';
import {
  ListFilesInput,
  ReadFileInput,
  ReadLastReportInput,
  SearchTextInput,
  describeIssues,
  isReadOnlyTool,
  type ToolCall,
} from '../core/proposals.js';
import { readTextSafe } from '../../sandbox/safe-fs.js';
import { listWorktreeFiles } from '../../sandbox/tree-sync.js';
import type { ToolResultMessage } from '../model/provider.js';
import { dataBlock } from '../core/data-block.js';

const MAX_READ_BYTES = 64 * 1024;
const MAX_LIST = 2000;
const MAX_HITS = 200;

export { dataBlock } from '../core/data-block.js';

/** Text of a model-named file: inside the worktree, no .git, no link followed (see sandbox/safe-fs.ts). */
async function readForModel(worktree: string, path: string): Promise<string | null> {
  const clean = path.replace(/^(\.\/)+/, '');
  if (clean.split(/[\\/]/).some((s) => s.toLowerCase() === '.git')) return null;
  return readTextSafe(worktree, clean);
}

/** Executes one read-only tool call against the worktree; failures are returned to the model as errors. */
export async function runReadTool(
  worktree: string,
  call: ToolCall,
  lastReport: (full: boolean) => string,
  encode: (source: string, body: string) => string = dataBlock,
): Promise<ToolResultMessage> {
  const reply = (content: string, isError = false): ToolResultMessage => ({
    callId: call.id ?? call.name,
    name: call.name,
    content,
    isError,
  });
  const name = call.name;
  if (!isReadOnlyTool(name)) return reply(`${name} is not a read-only tool`, true);
  switch (name) {
    case 'read_file': {
      const input = ReadFileInput.safeParse(call.input);
      if (!input.success) return reply(`invalid input: ${describeIssues(input.error)}`, true);
      const whole = await readForModel(worktree, input.data.path);
      if (whole === null) return reply(`${input.data.path}: not a readable file in the repository`, true);
      const text = whole.slice(0, MAX_READ_BYTES);
      const lines = text.split('\n');
      const start = input.data.startLine ?? 1;
      const end = Math.min(input.data.endLine ?? lines.length, lines.length);
      const body = lines
        .slice(start - 1, end)
        .map((l, i) => `${String(start + i).padStart(4)}| ${l}`)
        .join('\n');
      return reply(encode(`${input.data.path}:${start}-${end}`, body));
    }
    case 'list_files': {
      const input = ListFilesInput.safeParse(call.input);
      if (!input.success) return reply(`invalid input: ${describeIssues(input.error)}`, true);
      const dir = (input.data.dir ?? '').replace(/^\.?\/?/, '').replace(/\/$/, '');
      const files = (await listWorktreeFiles(worktree)).filter((f) => dir === '' || f.startsWith(`${dir}/`));
      const shown = files.slice(0, MAX_LIST);
      const more = files.length > shown.length ? `\n(${files.length - shown.length} more not shown)` : '';
      return reply(encode(`list ${dir || '.'}`, shown.join('\n') + more));
    }
    case 'search_text': {
      const input = SearchTextInput.safeParse(call.input);
      if (!input.success) return reply(`invalid input: ${describeIssues(input.error)}`, true);
      const match = input.data.glob === undefined ? () => true : picomatch(input.data.glob, { dot: true });
      const hits: string[] = [];
      for (const file of await listWorktreeFiles(worktree)) {
        if (!match(file) || hits.length >= MAX_HITS) continue;
        const text = await readForModel(worktree, file);
        if (text === null) continue;
        if (text.includes('\0')) continue;
        text.split('\n').forEach((line, i) => {
          if (hits.length < MAX_HITS && line.includes(input.data.query))
            hits.push(`${file}:${i + 1}: ${line.slice(0, 300)}`);
        });
      }
      return reply(encode(`search ${JSON.stringify(input.data.query)}`, hits.join('\n') || '(no matches)'));
    }
    case 'read_last_report': {
      const input = ReadLastReportInput.safeParse(call.input ?? {});
      if (!input.success) return reply(`invalid input: ${describeIssues(input.error)}`, true);
      const full = input.data.full === true;
      return reply(encode(full ? 'last test report' : 'last test report (summary)', lastReport(full)));
    }
    default: {
      // A tool marked read-only in TOOL_READ_ONLY without a case here does not compile.
      const unhandled: never = name;
      return unhandled;
    }
  }
}

export function relativeTo(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
