import { appendFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { teach } from '../help.js';
import type { CliIO } from '../io.js';

/** `agentctl ci check` flags. */
export interface CiCheckFlags {
  base: string;
  head?: string;
  json?: boolean;
  junit?: string;
  sarif?: string;
  allowTestChanges?: boolean;
}

async function writeOutput(io: CliIO, file: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(resolve(io.cwd, file), text);
  } catch (err) {
    throw new UsageError(`cannot write ${flag} ${file}: ${(err as Error).message}`);
  }
}

/** Runs the check and writes every output; returns 0 when it passes, 1 when it fails. */
export async function ciCheckCommand(flags: CiCheckFlags, io: CliIO): Promise<number> {
  // Loaded here, not at start: the check pulls in the compiler and the test runners' adapters.
  const { runCiCheck } = await import('../../ci/check.js');
  const { renderMarkdown } = await import('../../ci/report-markdown.js');
  const { renderAnnotations } = await import('../../ci/report-annotations.js');
  const { renderJunit, renderSarif } = await import('../../ci/report-files.js');
  const { interruptHandler } = await import('../interrupts.js');
  const interrupts = interruptHandler(io, { resumable: false });
  const verdict = await runCiCheck({
    cwd: io.cwd,
    base: flags.base,
    ...(flags.head !== undefined ? { head: flags.head } : {}),
    allowTestChanges: flags.allowTestChanges === true,
    progress: (message) => io.stderr.write(`agentctl ci: ${message}\n`),
  }).finally(interrupts.dispose);
  const markdown = renderMarkdown(verdict);
  io.stdout.write(flags.json ? `${JSON.stringify(verdict, null, 2)}\n` : markdown);
  // With --json, stdout holds only the verdict; the Actions runner reads workflow commands from stderr too.
  if (io.env.GITHUB_ACTIONS === 'true')
    (flags.json ? io.stderr : io.stdout).write(renderAnnotations(verdict));
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (summary)
    await appendFile(summary, `${markdown}\n`).catch((err: Error) =>
      io.stderr.write(`agentctl ci: cannot append to GITHUB_STEP_SUMMARY (${summary}): ${err.message}\n`),
    );
  if (flags.junit !== undefined) await writeOutput(io, flags.junit, renderJunit(verdict), '--junit');
  if (flags.sarif !== undefined)
    await writeOutput(io, flags.sarif, `${JSON.stringify(renderSarif(verdict), null, 2)}\n`, '--sarif');
  return verdict.ok ? 0 : 1;
}

/** Adds `check` under the `ci` command. */
export function registerCiCheck(ci: Command, io: CliIO, result: { code: number }): void {
  ci.command('check')
    .summary('check a pull request: RED evidence for behavior changes, test integrity, a green suite')
    .description(
      'Check a pull request without a model. A behavior change needs a new or changed test that fails on the\n' +
        'base code for the right reason (RED) and passes on head; no test may be deleted, skipped or weakened;\n' +
        'the full suite must pass on head. Comments, formatting, types and docs are exempt.',
    )
    .requiredOption('--base <ref>', 'the base commit (in Actions: github.event.pull_request.base.sha)')
    .option('--head <ref>', 'the head commit (default HEAD)')
    .option('--json', 'print the verdict as JSON instead of Markdown')
    .option('--junit <file>', 'also write JUnit XML: one testcase per check')
    .option('--sarif <file>', 'also write SARIF 2.1.0: one result per finding')
    .option('--allow-test-changes', 'allow deleted, skipped or weakened tests (reported as notes)')
    .action(async (flags: CiCheckFlags) => {
      result.code = await ciCheckCommand(flags, io);
    });
  teach(ci.commands.at(-1)!, {
    examples: [
      ['agentctl ci check --base origin/main', 'the pull request is HEAD'],
      ['agentctl ci check --base origin/main --junit ci-check.xml --json', ''],
    ],
    env: ['GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'AGENTCTL_BWRAP', 'AGENTCTL_CACHE_DIR'],
    exitCodes:
      '0 passed · 1 failed · 2 usage or config error (bad ref, no config)\n130 interrupted (Ctrl-C kills the test runs at once)',
    more: 'See docs/ci.md.\n',
  });
}
