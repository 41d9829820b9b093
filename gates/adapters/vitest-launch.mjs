// agentctl's vitest launcher: `node vitest-launch.mjs [files...]`, report path in AGENTCTL_REPORT_FILE.
// Runs the project's own vitest through its programmatic API (startVitest) with agentctl's reporter, so no
// `--reporter` flag ever reaches process.argv, and the report path leaves process.env before any worker starts:
// tests see what a plain `vitest run <files>` would show.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const files = process.argv.slice(2);
const output = process.env.AGENTCTL_REPORT_FILE;
delete process.env.AGENTCTL_REPORT_FILE;
const fromProject = createRequire(join(process.cwd(), 'package.json'));

function resolveVitest() {
  try {
    const pkg = fromProject.resolve('vitest/package.json');
    return { api: fromProject.resolve('vitest/node'), bin: join(dirname(pkg), 'vitest.mjs') };
  } catch {
    return undefined;
  }
}

const vitest = resolveVitest();
if (vitest === undefined) {
  // Said at once, before anything could try to fetch vitest from a registry.
  process.stderr.write('agentctl: vitest is not installed here: run npm install\n');
  process.exit(127);
}
process.argv = [process.argv[0], vitest.bin, 'run', ...files];
try {
  const { startVitest } = await import(pathToFileURL(vitest.api).href);
  const { default: AgentctlVitestReporter } = await import('./vitest-reporter.mjs');
  const reporter = new AgentctlVitestReporter({ output });
  const ctx = await startVitest('test', files, { run: true, watch: false, reporters: ['default', reporter] });
  if (ctx !== undefined && !ctx.shouldKeepServer?.()) await (ctx.exit?.() ?? ctx.close());
} catch (err) {
  console.error(err);
  if (process.exitCode == null) process.exitCode = 1;
  process.exit();
}
