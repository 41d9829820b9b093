import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { shellWrites } from './shell-scan.js';

/**
 * One file a tool call would change. `after` is the content it would hold (null: deleted); undefined when
 * agentctl cannot know it (a shell command, a patch that does not apply), which counts as a behavior change.
 */
export interface PendingWrite {
  /** Absolute. */
  path: string;
  after?: string | null;
  /** A directory or glob a shell command names: matched against files, never a RED trigger by itself. */
  pattern?: 'glob' | 'tree';
  via: string;
}

async function current(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `text` with `from` replaced by `to` (every occurrence, or the first); undefined when `from` is absent. */
function replaced(text: string | null, from: string, to: string, all: boolean): string | undefined {
  if (text === null || from === '' || !text.includes(from)) return undefined;
  return all ? text.split(from).join(to) : text.replace(from, () => to);
}

/** The files a Codex `apply_patch` envelope names, with their new content where the hunks apply cleanly. */
async function patchWrites(patch: string, cwd: string): Promise<PendingWrite[]> {
  const writes: PendingWrite[] = [];
  const lines = patch.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const header = /^\*\*\* (Add|Update|Delete) File: (.+)$/.exec(lines[i]!);
    if (header === null) continue;
    const path = resolve(cwd, header[2]!.trim());
    const body: string[] = [];
    while (i + 1 < lines.length && !lines[i + 1]!.startsWith('*** ')) body.push(lines[++i]!);
    let moveTo: string | null = null;
    if (i + 1 < lines.length && lines[i + 1]!.startsWith('*** Move to: ')) {
      moveTo = resolve(cwd, lines[++i]!.slice('*** Move to: '.length).trim());
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('*** ')) body.push(lines[++i]!);
    }
    if (header[1] === 'Delete') writes.push({ path, after: null, via: 'apply_patch' });
    else if (header[1] === 'Add')
      writes.push({ path, after: body.map((l) => l.slice(1)).join('\n') + '\n', via: 'apply_patch' });
    else {
      const after = applyHunks(await current(path), body);
      if (moveTo === null)
        writes.push({ path, ...(after !== undefined ? { after } : {}), via: 'apply_patch' });
      else
        writes.push(
          { path, after: null, via: 'apply_patch' },
          { path: moveTo, ...(after !== undefined ? { after } : {}), via: 'apply_patch' },
        );
    }
  }
  return writes;
}

/** Applies `@@`-separated hunks of context/-/+ lines in order; undefined when one does not match. */
function applyHunks(text: string | null, body: string[]): string | undefined {
  if (text === null) return undefined;
  let out = text;
  const hunks: string[][] = [[]];
  for (const line of body) {
    if (line.startsWith('@@')) hunks.push([]);
    else if (line !== '*** End of File') hunks.at(-1)!.push(line);
  }
  let from = 0;
  for (const hunk of hunks.filter((h) => h.length > 0)) {
    const before = hunk.filter((l) => !l.startsWith('+')).map((l) => l.slice(1));
    const after = hunk.filter((l) => !l.startsWith('-')).map((l) => l.slice(1));
    const old = before.join('\n');
    const at = out.indexOf(old, from);
    if (at === -1) return undefined;
    const next = after.join('\n');
    out = out.slice(0, at) + next + out.slice(at + old.length);
    from = at + next.length;
  }
  return out;
}

function shellTargets(command: string, cwd: string): PendingWrite[] {
  return shellWrites(command).map((w) => ({
    path: resolve(cwd, w.path),
    via: w.why,
    ...(w.path === '.' || w.path.endsWith('/') ? { pattern: 'tree' as const } : {}),
    ...(w.glob ? { pattern: 'glob' as const } : {}),
  }));
}

/**
 * The files a host's tool call would change, by each host's documented tool inputs: Claude Code's Write, Edit,
 * MultiEdit, NotebookEdit and Bash; Codex's apply_patch and Bash; Gemini CLI's write_file, replace and
 * run_shell_command. Any other tool changes no file agentctl knows of.
 */
export async function pendingWrites(
  tool: { name: string; input: Record<string, unknown> },
  cwd: string,
): Promise<PendingWrite[]> {
  const input = tool.input;
  const at = (key: string) => {
    const p = str(input[key]);
    return p === undefined ? undefined : isAbsolute(p) ? p : resolve(cwd, p);
  };
  switch (tool.name) {
    case 'Write':
    case 'write_file': {
      const path = at('file_path');
      return path === undefined ? [] : [{ path, after: str(input.content) ?? '', via: tool.name }];
    }
    case 'Edit':
    case 'replace': {
      const path = at('file_path');
      if (path === undefined) return [];
      const all = input.replace_all === true || Number(input.expected_replacements ?? 1) > 1;
      const after = replaced(
        await current(path),
        str(input.old_string) ?? '',
        str(input.new_string) ?? '',
        all,
      );
      return [{ path, ...(after !== undefined ? { after } : {}), via: tool.name }];
    }
    case 'MultiEdit': {
      const path = at('file_path');
      if (path === undefined) return [];
      let text: string | null | undefined = await current(path);
      for (const edit of Array.isArray(input.edits) ? (input.edits as Array<Record<string, unknown>>) : []) {
        text =
          text === undefined
            ? undefined
            : replaced(
                text,
                str(edit.old_string) ?? '',
                str(edit.new_string) ?? '',
                edit.replace_all === true,
              );
      }
      return [{ path, ...(text !== undefined && text !== null ? { after: text } : {}), via: tool.name }];
    }
    case 'NotebookEdit': {
      const path = at('notebook_path');
      return path === undefined ? [] : [{ path, via: tool.name }];
    }
    case 'apply_patch':
      return patchWrites(str(input.command) ?? str(input.patch) ?? '', cwd);
    case 'Bash':
    case 'run_shell_command': {
      const command = str(input.command);
      const dir = str(input.directory);
      return command === undefined ? [] : shellTargets(command, dir === undefined ? cwd : resolve(cwd, dir));
    }
    default:
      return [];
  }
}
