import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The name agentctl is published under on the npm registry; the command it installs is `agentctl`. */
export const PACKAGE_NAME = 'agentctl-cli';

let cached: string | undefined;

/** The agentctl package root, whether running from source (vitest) or from dist/. */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === PACKAGE_NAME) return (cached = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('agentctl package root not found');
    dir = parent;
  }
}

/** A file shipped with the package, such as a reporter module or a fixture. */
export function packageFile(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}
