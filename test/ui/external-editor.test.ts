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

  it('says what to do when there is no editor, or it fails', async () => {
    await expect(externalEditor({})(DIFF)).resolves.toEqual({
      kind: 'unavailable',
      message: 'set $EDITOR to inspect the patch in an editor',
    });
    const failed = await externalEditor({ VISUAL: 'false' })(DIFF);
    expect(failed).toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/the editor "false" failed \(exit 1\)/),
    });
  });
});
