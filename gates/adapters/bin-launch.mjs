// agentctl's runner launcher: `node bin-launch.mjs <package> [args...]` runs the project's own installed
// <package> bin in this process, as `node_modules/.bin/<package> [args...]` would. A runner that is not
// installed is said at once ("not installed here"), where `npx` would go to the registry to fetch it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [name, ...args] = process.argv.slice(2);
const fromProject = createRequire(join(process.cwd(), 'package.json'));

/** The bin file of `pkg` as node's module lookup from the project would find the package. */
function binOf(pkg) {
  for (const dir of fromProject.resolve.paths(pkg) ?? []) {
    const manifest = join(dir, pkg, 'package.json');
    if (!existsSync(manifest)) continue;
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
    const rel = typeof bin === 'string' ? bin : bin?.[pkg];
    return rel === undefined ? undefined : join(dir, pkg, rel);
  }
  return undefined;
}

const bin = name === undefined ? undefined : binOf(name);
if (bin === undefined) {
  process.stderr.write(`agentctl: ${name} is not installed here: run npm install\n`);
  process.exit(127);
}
process.argv = [process.argv[0], bin, ...args];
await import(pathToFileURL(bin).href);
