import { describe, expect, it } from 'vitest';
import type { SabotageGate } from '../../src/eval/sabotage.js';
import { loadSuite, runSuite } from '../../src/eval/suite.js';
import { packageFile } from '../../src/paths.js';

/**
 * Each trust-boundary scenario of the built-in suite, run with the mechanism it relies on swapped for a weaker
 * one (`agentctl eval --sabotage <name>`), must FAIL, on the check that shows the attack got through. The whole
 * suite passing without sabotage is `npx agentctl eval` (.ci/run).
 */
const CASES: Array<{ scenario: string; sabotage: SabotageGate; failing: RegExp }> = [
  { scenario: 'journal-tampering', sabotage: 'journal', failing: /^tamper flip-byte: audit verify / },
  { scenario: 'control-char-path', sabotage: 'guard', failing: /^commitFiles$/ },
  { scenario: 'data-block-close', sabotage: 'data', failing: /^dataStaysData$/ },
  { scenario: 'secrets-stay-out', sabotage: 'sandbox', failing: /^wireLacks$/ },
  { scenario: 'tree-planted-production', sabotage: 'tree', failing: /^commitFileLacks src\/calc\.js$/ },
  { scenario: 'gitignore-drops-file', sabotage: 'tree', failing: /^commitFiles$/ },
  { scenario: 'git-dir-hijack', sabotage: 'tree', failing: /^canaryUntouched$/ },
  { scenario: 'git-dir-user-repo', sabotage: 'tree', failing: /^canaryUntouched$/ },
];

describe('agentctl eval --sabotage <trust mechanism>', () => {
  it.each(CASES)(
    '$scenario fails under --sabotage $sabotage',
    async ({ scenario, sabotage, failing }) => {
      const suite = await loadSuite(packageFile('fixtures', 'eval'), [scenario]);
      const [result] = await runSuite(suite, { sabotage });
      const failed = result!.checks.filter((c) => !c.ok);
      const shown = failed
        .map((c) => `${c.field}: expected ${c.expected}, observed ${c.observed}`)
        .join('\n');
      expect(result!.pass, shown).toBe(false);
      expect(
        failed.map((c) => c.field),
        shown,
      ).toContainEqual(expect.stringMatching(failing));
    },
    300_000,
  );
});
