import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectUnifiedDiff } from '../../sandbox/diff-inspect.js';
import { checkWritePaths } from '../../sandbox/path-guard.js';
import { canonicalDiff, resolveUnifiedDiff } from '../../src/runtime/proposal-patch.js';
import { cleanupTemp, makeRepo } from './helpers.js';

/** Odd names a model could propose; every one the guard accepts must survive the stored diff unchanged. */
const ODD_NAMES = [
  'plain.js',
  'with space.js',
  'two  spaces.js',
  'café.js',
  'cafe\u0301.js',
  '日本語/ファイル.ts',
  'emoji-🙂.md',
  'x\u00a0nbsp.js',
  'zero\u200bwidth.js',
  'bom\ufeffinside.js',
  'colon:inside.js',
  "it's.js",
  'hash#and%percent.js',
  'dir with space/--- minus.js',
  'dir/+++ plus.js',
  'dir/@@ -1 +1 @@.js',
  'Index: x.js',
  'diff --git a b.js',
  '=====.js',
  'a b/b/c.js',
  'b/a/x.js',
  '-leading-dash.js',
  '...dots.js',
  'trailing-dot.',
  `${'n'.repeat(255)}`,
  // Refused ones: the test checks that they are refused rather than altered.
  'tab\tinside.js',
  'package-lock.json\t',
  'trail ',
  ' lead',
  'nbsp-end\u00a0',
  'quote"d.js',
  '"wrapped"',
  'back\\slash.js',
  'cr\r.js',
  'nel\u0085.js',
  'del\u007f.js',
  'ls\u2028.js',
  'esc\u001b.js',
];

let repo: string;
beforeAll(async () => {
  repo = await makeRepo({ 'README.md': '# x\n' });
});
afterAll(cleanupTemp);

describe('a name the guard accepts is the name the stored diff gives back', () => {
  it.each(ODD_NAMES)('%j', async (name) => {
    const [verdict] = await checkWritePaths(repo, [name], { allow: ['**'], deny: [] });
    if (verdict?.ok !== true) {
      expect(verdict?.rule).toMatch(/^(control_char|unsafe_name)$/);
      return;
    }
    expect(verdict.path).toBe(name);
    const created = { path: name, before: null, after: 'one\ntwo\n' };
    const diff = canonicalDiff([created]);
    const inspected = inspectUnifiedDiff(diff, { allowBinary: false, maxBytes: 1 << 20 });
    expect(inspected).toEqual({ ok: true, paths: [name] });
    const recreated = await resolveUnifiedDiff(diff, () => Promise.resolve(null), 'round trip');
    expect(recreated).toMatchObject({ ok: true, changes: [created] });
    // And an edit of the file it made: the old name is read back exactly too.
    const edited = { path: name, before: 'one\ntwo\n', after: 'one\n2\n' };
    const read = (path: string) => Promise.resolve(path === name ? edited.before : null);
    const reapplied = await resolveUnifiedDiff(canonicalDiff([edited]), read, 'round trip');
    expect(reapplied).toMatchObject({ ok: true, changes: [edited] });
  });

  it('accepts most of the corpus and refuses every name a diff would alter', async () => {
    const verdicts = await Promise.all(
      ODD_NAMES.map(async (name) => (await checkWritePaths(repo, [name], { allow: ['**'], deny: [] }))[0]),
    );
    const refused = ODD_NAMES.filter((_, i) => verdicts[i]?.ok !== true);
    expect(refused).toEqual(ODD_NAMES.slice(ODD_NAMES.indexOf('tab\tinside.js')));
  });
});
