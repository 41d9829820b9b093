import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { worktreesRoot } from '../runtime/cache-dir.js';

/** The lines typed at the REPL prompt, kept between sessions. */
export interface HistoryStore {
  /** Earlier lines, oldest first. */
  load(): string[];
  /** Records one submitted line; a failure to save never disturbs the REPL. */
  append(line: string): void;
}

/** How many lines the history file keeps. */
export const HISTORY_LIMIT = 500;

/** The history file: beside the worktrees in agentctl's per-user cache (AGENTCTL_CACHE_DIR, XDG_CACHE_HOME). */
export function replHistoryPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(worktreesRoot(env)), 'repl-history.jsonl');
}

const Entry = z.string();

function parse(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      const entry = Entry.safeParse(JSON.parse(raw));
      if (entry.success) lines.push(entry.data);
    } catch {
      // A torn or foreign line is skipped; the rest of the history still loads.
    }
  }
  return lines;
}

/** Adds a line unless it repeats the last one; keeps the newest `limit`. */
export function withLine(history: readonly string[], line: string, limit = HISTORY_LIMIT): string[] {
  if (line.trim() === '' || history.at(-1) === line) return [...history];
  return [...history, line].slice(-limit);
}

/**
 * History in a file of JSON lines (a line may hold newlines: a pasted task). Each append rewrites the file
 * through a rename, so a crash or a second REPL never leaves half a file; the file is private to the user.
 */
export function fileHistory(path: string, limit = HISTORY_LIMIT): HistoryStore {
  const read = (): string[] => {
    try {
      return parse(readFileSync(path, 'utf8')).slice(-limit);
    } catch {
      return [];
    }
  };
  return {
    load: read,
    append(line) {
      try {
        const lines = withLine(read(), line, limit);
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, lines.map((l) => JSON.stringify(l) + '\n').join(''), { mode: 0o600 });
        renameSync(tmp, path);
      } catch {
        // History is a convenience: a read-only cache directory must not stop a run.
      }
    },
  };
}

/** History that lives only as long as the process: the default, and for tests. */
export function memoryHistory(initial: readonly string[] = []): HistoryStore & { lines: string[] } {
  const store = {
    lines: [...initial],
    load: () => [...store.lines],
    append(line: string) {
      store.lines = withLine(store.lines, line);
    },
  };
  return store;
}
