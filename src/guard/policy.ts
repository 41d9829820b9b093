import { testConfigPart } from '../../gates/lock-scope.js';
import { readLayout } from '../../gates/runners/index.js';
import { treeView } from '../../gates/runners/repo-view.js';
import { fileInTree } from '../git/repo.js';
import type { Config } from '../policy/config-schema.js';
import { CONFIG_FILE, loadConfig, parseConfig } from '../policy/config.js';
import { pathClassifier, type PathKind } from '../policy/path-kinds.js';

/** Sources whose tests agentctl reads, as `ci check` does. */
export const READABLE = /\.(?:[cm]?[jt]sx?|py)$/;

/** Whether `ci check`'s change listing reads a file's content (code, and files that can hold test config). */
export const wantsContent = (path: string): boolean =>
  READABLE.test(path) || testConfigPart(path, null) !== null;

/** The session's policy: the base commit's config and runner layout, so edits cannot loosen what counts as a test. */
export interface GuardPolicy {
  config: Config;
  kindOf: (path: string) => PathKind;
  isTest: (path: string) => boolean;
}

/** Reads the policy as of `base` (the checkout's config when base has none). A broken config throws. */
export async function policyAt(root: string, base: string): Promise<GuardPolicy> {
  const text = await fileInTree(root, base, CONFIG_FILE);
  const config =
    text === null ? await loadConfig(root) : parseConfig(text, `${CONFIG_FILE} (at ${base.slice(0, 12)})`);
  const layout = await readLayout(config.test, await treeView(root, base));
  return { config, ...pathClassifier(config, layout) };
}
