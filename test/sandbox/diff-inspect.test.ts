import { createPatch, createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { inspectUnifiedDiff } from '../../sandbox/diff-inspect.js';

const limits = { allowBinary: false, maxBytes: 1024 * 1024 };

describe('inspectUnifiedDiff paths', () => {
  it('reads quoted names the way git writes them', () => {
    const diff = [
      'diff --git "a/caf\\303\\251 x.ts" "b/caf\\303\\251 x.ts"',
      '--- "a/caf\\303\\251 x.ts"',
      '+++ "b/caf\\303\\251 x.ts"',
    ].join('\n');
    expect(inspectUnifiedDiff(diff, limits)).toEqual({ ok: true, paths: ['café x.ts'] });
  });

  it('strips a/ and b/ from jsdiff output, and keeps names that carry no prefix', () => {
    const prefixed = createTwoFilesPatch('a/src/x.ts', 'b/src/x.ts', 'a\n', 'b\n');
    expect(inspectUnifiedDiff(prefixed, limits)).toEqual({ ok: true, paths: ['src/x.ts'] });
    const plain = createPatch('src/y.ts', 'a\n', 'b\n');
    expect(inspectUnifiedDiff(plain, limits)).toEqual({ ok: true, paths: ['src/y.ts'] });
  });

  it('names both sides of a creation and a deletion without /dev/null', () => {
    const diff = [
      '--- /dev/null',
      '+++ b/new.ts',
      '@@ -0,0 +1 @@',
      '+x',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-y',
    ].join('\n');
    expect(inspectUnifiedDiff(diff, limits)).toEqual({ ok: true, paths: ['new.ts', 'gone.ts'] });
  });

  it('does not take a removed "-- comment" line for a file header', () => {
    const diff = ['--- a/q.sql', '+++ b/q.sql', '@@ -1,2 +1,1 @@', '--- old comment', ' select 1;'].join(
      '\n',
    );
    expect(inspectUnifiedDiff(diff, limits)).toEqual({ ok: true, paths: ['q.sql'] });
  });

  it('accepts ordinary and executable file modes', () => {
    const diff = ['diff --git a/run.sh b/run.sh', 'old mode 100644', 'new mode 100755'].join('\n');
    expect(inspectUnifiedDiff(diff, limits)).toEqual({ ok: true, paths: ['run.sh'] });
  });
});
