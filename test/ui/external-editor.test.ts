/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers (expect.stringMatching, expect.any) as any. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { externalEditor } from '../../src/ui/external-editor.js';

const DIFF = '--- a/x.js\n+++ b/x.js\n@@ -1 +1 @@\n-return 0\n+return 1\n';

describe('viewing a patch in $EDITOR', () => {
  it('reports an editor that leaves the file alone as unchanged', async () => {
    await expect(externalEditor({ EDITOR: 'true' })(DIFF)).resolves.toEqual({ kind: 'unchanged' });
  });

  it('hands back what the user saved (an editor with arguments works), and an emptied file as unchanged', async () => {
    await expect(externalEditor({ EDITOR: 'sed -i -e s/return/RETURN/' })(DIFF)).resolves.toEqual({
      kind: 'changed',
      text: DIFF.replaceAll('return', 'RETURN'),
    });
    await expect(externalEditor({ EDITOR: 'truncate -s 0' })(DIFF)).resolves.toEqual({ kind: 'unchanged' });
  });

  it('without an editor, shows the whole change in $PAGER (a pager with arguments works)', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'agentctl-pager-')), 'paged.txt');
    const whole = `${DIFF}--- /dev/null\n+++ b/x.test.js\n@@ -0,0 +1 @@\n+test()\n`;
    await expect(
      externalEditor({ PAGER: `tee ${out} >/dev/null`, PATH: process.env.PATH })(DIFF, whole),
    ).resolves.toEqual({
      kind: 'paged',
    });
    expect(await readFile(out, 'utf8')).toBe(whole);
  });

  it('says plainly when there is neither an editor nor a pager, or the editor fails', async () => {
    await expect(
      externalEditor({ PAGER: 'agentctl-no-such-pager', PATH: process.env.PATH })(DIFF),
    ).resolves.toEqual({
      kind: 'unavailable',
      message:
        'no editor or pager here: $EDITOR and $VISUAL are unset and "agentctl-no-such-pager" cannot be run; set $EDITOR or $PAGER to read the whole change',
    });
    // No $PAGER and no less on the PATH.
    const bare = await externalEditor({ PATH: '/nonexistent' })(DIFF);
    expect(bare).toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('"less -R" cannot be run'),
    });
    await expect(externalEditor({ PAGER: 'false', PATH: process.env.PATH })(DIFF)).resolves.toEqual({
      kind: 'unavailable',
      message: 'the pager "false" failed (exit 1)',
    });
    const failed = await externalEditor({ VISUAL: 'false' })(DIFF);
    expect(failed).toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/the editor "false" failed \(exit 1\)/),
    });
  });
});
