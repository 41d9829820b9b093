import type { RepoView } from '../../gates/runners/types.js';

/** A repository held in memory: path → text. */
export function memoryRepo(files: Record<string, string>): RepoView {
  return {
    files: Object.keys(files).sort(),
    read: (path) => Promise.resolve(files[path] ?? null),
  };
}
