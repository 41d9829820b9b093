import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { GuardHost } from './events.js';

/** Where each host reads a repository's hooks, and which of its tools change files. */
const HOSTS: Record<
  GuardHost,
  {
    file: string;
    tools: string;
    events: Array<{ event: string; word: string; tools: boolean }>;
    timeout: number;
  }
> = {
  // Claude Code: .claude/settings.json; timeouts in seconds.
  claude: {
    file: '.claude/settings.json',
    tools: 'Write|Edit|MultiEdit|NotebookEdit|Bash',
    events: [
      { event: 'PreToolUse', word: 'pre-tool-use', tools: true },
      { event: 'PostToolUse', word: 'post-tool-use', tools: true },
      { event: 'Stop', word: 'stop', tools: false },
    ],
    timeout: 1800,
  },
  // Codex CLI: .codex/hooks.json (the same shape); Edit and Write are its aliases for apply_patch.
  codex: {
    file: '.codex/hooks.json',
    tools: 'Bash|apply_patch|Edit|Write',
    events: [
      { event: 'PreToolUse', word: 'pre-tool-use', tools: true },
      { event: 'PostToolUse', word: 'post-tool-use', tools: true },
      { event: 'Stop', word: 'stop', tools: false },
    ],
    timeout: 1800,
  },
  // Gemini CLI: .gemini/settings.json; timeouts in milliseconds.
  gemini: {
    file: '.gemini/settings.json',
    tools: 'write_file|replace|run_shell_command',
    events: [
      { event: 'BeforeTool', word: 'before-tool', tools: true },
      { event: 'AfterTool', word: 'after-tool', tools: true },
      { event: 'AfterAgent', word: 'after-agent', tools: false },
    ],
    timeout: 1_800_000,
  },
};

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for a hook entry agentctl installed for `host` (so installing again replaces it, never duplicates it). */
function ours(group: unknown, host: GuardHost): boolean {
  if (!isObject(group) || !Array.isArray(group.hooks)) return false;
  return group.hooks.some(
    (h) => isObject(h) && typeof h.command === 'string' && h.command.includes(` guard ${host} `),
  );
}

/**
 * The host's settings with agentctl's hooks merged in: every other key, event and hook is kept as it was;
 * an earlier agentctl entry for the same event is replaced in place.
 */
export function mergeHooks(existing: Json, host: GuardHost, command: string): Json {
  const spec = HOSTS[host];
  const hooks: Json = isObject(existing.hooks) ? { ...existing.hooks } : {};
  if (existing.hooks !== undefined && !isObject(existing.hooks))
    throw new UsageError(
      `the "hooks" key in ${spec.file} is not an object, so agentctl cannot add to it without clobbering it.`,
      'Fix or remove that key, then run agentctl guard install again.',
    );
  for (const e of spec.events) {
    const group: Json = {
      ...(e.tools ? { matcher: spec.tools } : {}),
      hooks: [{ type: 'command', command: `${command} guard ${host} ${e.word}`, timeout: spec.timeout }],
    };
    const list = Array.isArray(hooks[e.event]) ? [...(hooks[e.event] as unknown[])] : [];
    const at = list.findIndex((g) => ours(g, host));
    if (at === -1) list.push(group);
    else list[at] = group;
    hooks[e.event] = list;
  }
  return { ...existing, hooks };
}

/** Reads, merges and writes (or only returns, with `print`) the host's hook configuration for the repository. */
export async function installHooks(
  root: string,
  host: GuardHost,
  opts: { print: boolean; command: string },
): Promise<{ file: string; text: string }> {
  const file = join(root, HOSTS[host].file);
  const before = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new UsageError(`cannot read ${file}: ${e.message}`);
  });
  let existing: unknown = {};
  if (before !== null && before.trim() !== '') {
    try {
      existing = JSON.parse(before);
    } catch (error) {
      throw new UsageError(
        `${file} is not valid JSON (${(error as Error).message}); agentctl will not overwrite it.`,
        'Fix the file (or print the hooks with --print and merge them by hand).',
      );
    }
  }
  if (!isObject(existing))
    throw new UsageError(`${file} does not hold a JSON object; agentctl will not overwrite it.`);
  const text = `${JSON.stringify(mergeHooks(existing, host, opts.command), null, 2)}\n`;
  if (!opts.print) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return { file: HOSTS[host].file, text };
}
