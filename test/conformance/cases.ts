import { readFile } from 'node:fs/promises';
import { packageFile } from '../../src/paths.js';

/** What one conformance cassette proposes: a new test file and a one-replace fix, read back from the cassette. */
export interface CorpusCase {
  layout: string;
  cassette: string;
  task: string;
  /** The new test file, in a place the layout's runner discovers, and its content. */
  test: { path: string; content: string };
  /** The production file the fix changes, as it is in the fixture and as it is after the fix. */
  fix: { path: string; before: string; after: string };
  /** A test file the fixture already has (a bad pull request deletes it). */
  existingTest: string;
}

// Every layout, and the existing test each fixture ships (for npm-workspaces, one in the package the fix leaves alone).
const LAYOUTS: Record<string, string> = {
  'vitest-config': 'src/discount.check.ts',
  'vite-config': 'tests/words.spec.js',
  'ava-root': 'test.js',
  'jest-testmatch': 'checks/temperature.check.js',
  'mocha-spec': 'spec/slug.spec.js',
  'node-test': 'test/range.test.js',
  'pytest-pyproject': 'testing/test_shapes.py',
  'npm-workspaces': 'packages/dates/index.test.js',
};

interface Edit {
  op: string;
  path: string;
  content?: string;
  find?: string;
  replace?: string;
}
interface Cassette {
  task: string;
  turns: Array<{ calls?: Array<{ name: string; input: { edits?: Edit[] } }> }>;
}

function onlyEdit(cassette: Cassette, tool: string, op: string): Edit {
  const edits = cassette.turns
    .flatMap((t) => t.calls ?? [])
    .filter((c) => c.name === tool)
    .flatMap((c) => c.input.edits ?? []);
  const edit = edits[0];
  if (edits.length !== 1 || edit?.op !== op) throw new Error(`expected one ${tool} ${op} edit`);
  return edit;
}

/** Loads the cassette of `layout` and the fixture file its fix edits, so tests and cassettes cannot drift apart. */
export async function corpusCase(layout: string): Promise<CorpusCase> {
  const cassette = packageFile('fixtures', 'conformance', `${layout}.cassette.json`);
  const parsed = JSON.parse(await readFile(cassette, 'utf8')) as Cassette;
  const test = onlyEdit(parsed, 'propose_test', 'create');
  const fix = onlyEdit(parsed, 'propose_fix', 'replace');
  const before = await readFile(packageFile('fixtures', 'conformance', layout, fix.path), 'utf8');
  return {
    layout,
    cassette,
    task: parsed.task,
    test: { path: test.path, content: test.content ?? '' },
    fix: { path: fix.path, before, after: before.replace(fix.find ?? '', () => fix.replace ?? '') },
    existingTest: LAYOUTS[layout] ?? '',
  };
}

/** The layouts a scripted fix and `ci check` are tested on. */
export const FIX_LAYOUTS = Object.keys(LAYOUTS);

/**
 * A test's time limit on `layout`: a workspace suite starts one runner per package for every full run, twice
 * the runner starts of a one-runner layout (about 200 s for init and fix on a busy two-core machine).
 */
export function layoutTimeout(layout: string, single: number): number {
  return layout === 'npm-workspaces' ? 3 * single : single;
}
