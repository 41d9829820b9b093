import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const ALLOWED_PACKAGES = new Set(['zod']);

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm),
    ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
}

/** Follows relative imports from src/core and reports every package or node: import reached. */
function reachableExternalImports(): Array<{ from: string; spec: string }> {
  const seen = new Set<string>();
  const found: Array<{ from: string; spec: string }> = [];
  const queue = readdirSync(join(root, 'src/core'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, 'src/core', f));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else found.push({ from: relative(root, file), spec });
    }
  }
  return found;
}

describe('src/core purity', () => {
  it('reaches no module with side effects (fs, child_process, ink, execa, simple-git, the SDK)', () => {
    const bad = reachableExternalImports().filter((i) => !ALLOWED_PACKAGES.has(i.spec));
    expect(bad).toEqual([]);
  });

  it('the check itself notices a forbidden import', () => {
    expect(importsOf(join(root, 'src/runtime/driver.ts')).some((s) => s.startsWith('.'))).toBe(true);
    expect(importsOf(join(root, 'src/git/repo.ts'))).toContain('execa');
  });
});
