import type { Runner, TestSettings } from '../../src/policy/config-schema.js';

/**
 * One runner's share of the suite: the whole repository (dir '') or one workspace package, with the settings
 * that run it there. A single-runner config is a suite of one part.
 */
export interface SuitePart {
  /** The folder the runner runs in, relative to the repo root; '' for the root. */
  dir: string;
  runner: Runner;
  command?: string[];
  junitReport?: string;
  /** The project's `test.env`, then the package's own. */
  env?: Record<string, string>;
}

/** The settings a suite is made of: the `test` section of the config, or just a runner. */
export type SuiteSpec = Pick<TestSettings, 'runner' | 'command' | 'junitReport' | 'env' | 'packages'>;

/** The parts of the configured suite: each of `test.packages`, or the one root runner. */
export function suiteParts(spec: SuiteSpec | Runner): SuitePart[] {
  if (typeof spec === 'string') return [{ dir: '', runner: spec }];
  if (spec.packages !== undefined)
    return spec.packages.map((p) => ({
      dir: p.dir,
      runner: p.runner,
      ...(p.command !== undefined ? { command: p.command } : {}),
      ...(p.junitReport !== undefined ? { junitReport: p.junitReport } : {}),
      ...(spec.env !== undefined || p.env !== undefined ? { env: { ...spec.env, ...p.env } } : {}),
    }));
  // The schema requires a runner when there are no packages; a hand-built object without one is a bug.
  if (spec.runner === undefined) throw new Error('test settings name neither a runner nor packages');
  return [
    {
      dir: '',
      runner: spec.runner,
      ...(spec.command !== undefined ? { command: spec.command } : {}),
      ...(spec.junitReport !== undefined ? { junitReport: spec.junitReport } : {}),
      ...(spec.env !== undefined ? { env: spec.env } : {}),
    },
  ];
}

/** A repo path as seen from a part's folder, or null when the file is outside it. */
export function pathInPart(part: Pick<SuitePart, 'dir'>, path: string): string | null {
  if (part.dir === '') return path;
  return path.startsWith(`${part.dir}/`) ? path.slice(part.dir.length + 1) : null;
}

/** A path the runner of a part reported, relative to its folder, as a repo path. */
export function repoPathOf(part: Pick<SuitePart, 'dir'>, path: string): string {
  return part.dir === '' || path === '' ? path : `${part.dir}/${path}`;
}

/** Test files grouped by the part that runs them (parts with none left out), and the files no part holds. */
export function filesByPart(
  parts: readonly SuitePart[],
  files: readonly string[],
): { groups: Array<{ part: SuitePart; files: string[] }>; orphans: string[] } {
  const groups = parts.map((part) => ({ part, files: [] as string[] }));
  const orphans: string[] = [];
  for (const file of files) {
    const group = groups.find((g) => pathInPart(g.part, file) !== null);
    if (group === undefined) orphans.push(file);
    else group.files.push(pathInPart(group.part, file) ?? file);
  }
  return { groups: groups.filter((g) => g.files.length > 0), orphans };
}
