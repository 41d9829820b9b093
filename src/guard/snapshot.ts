import { commitIdentity, commitTree } from '../git/repo.js';
import { gitIn, withPrivateIndex } from '../git/git-dir.js';
import { gitDirOf } from '../git/objects.js';

/**
 * A commit (parent `base`) holding the working tree as it is now: tracked and untracked files, ignored ones left
 * out. Built in a private index, so the user's index, HEAD and branches are untouched; a ref under
 * refs/agentctl/guard/ keeps it from garbage collection while the session's journal names it.
 */
export async function snapshotWorkingTree(root: string, base: string, key: string): Promise<string> {
  const gitDir = await gitDirOf(root);
  const tree = await withPrivateIndex(async (index) => {
    const env = { GIT_INDEX_FILE: index };
    await gitIn(gitDir, [`--work-tree=${root}`, 'read-tree', base], { env });
    await gitIn(gitDir, [`--work-tree=${root}`, 'add', '-A'], { env });
    return (await gitIn(gitDir, ['write-tree'], { env })).trim();
  });
  const sha = await commitTree(gitDir, {
    tree,
    parent: base,
    message: `agentctl guard: working tree of session ${key}`,
    date: new Date().toISOString(),
    identity: await commitIdentity(root),
  });
  await gitIn(gitDir, ['update-ref', `refs/agentctl/guard/${key}`, sha]);
  return sha;
}
