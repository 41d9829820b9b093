import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AgentctlError, ExitCode, UsageError } from '../errors.js';
import { packageFile } from '../paths.js';
// Commands load on demand so `--version` and `--help` start fast.
import type { QueryOptions } from './commands/runs.js';
import { registerCiCheck } from './commands/ci-check.js';
import { registerCiFix } from './commands/ci-fix.js';
import { allowInteractiveRendering, processIO, type CliIO } from './io.js';

function version(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new InvalidArgumentError('expected a whole number from 1 to 20');
  return n;
}

const MODEL_HELP = 'model to use: scripted:<cassette.json> (a recorded model) or anthropic:<name>';

/** Builds the command tree; each action stores its exit code in `result`. */
export function buildProgram(io: CliIO, result: { code: number }): Command {
  const program = new Command('agentctl')
    .description(
      'A coding agent whose runtime, not its model, decides what becomes real. The model proposes; agentctl ' +
        'refuses any behavior change until a new test fails for the right reason (RED), applies patches only in a ' +
        'sandboxed worktree, and commits only when that test and the whole suite pass (GREEN). After 3 failed ' +
        'attempts it stops and hands you the evidence.',
    )
    .version(version(), '-v, --version')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError('(run agentctl --help for usage)');

  program
    .command('fix')
    .description('run one gated fix: orient, write a failing test (RED), fix until GREEN, review, commit')
    .argument('<task>', 'what to fix, in plain words')
    .option('-m, --model <spec>', MODEL_HELP)
    .option('-y, --yes', 'approve GREEN patches by policy instead of asking')
    .addOption(
      new Option('--max-attempts <n>', 'failed attempts before escalating (default 3)').argParser(
        positiveInt,
      ),
    )
    .option('--json', 'print every journal event as one JSON line, then a result line')
    .option('--record <file>', 'write every model turn to a cassette that --model scripted:<file> replays')
    .addHelpText(
      'after',
      '\nExit codes: 0 committed · 1 gate failed · 2 usage/config error · 3 escalated or awaiting review ·\n' +
        '4 budget exhausted (resumable) · 130 interrupted (resumable) · 70 internal error\n\n' +
        'Example:\n  agentctl fix "average([]) should return 0" --model scripted:fixtures/cassettes/calc-node/happy-path.json',
    )
    .action(
      async (task: string, opts: { model?: string; yes?: boolean; maxAttempts?: number; json?: boolean }) => {
        result.code = await (await import('./commands/fix.js')).fixCommand(task, opts, io);
      },
    );

  program
    .command('demo')
    .description(
      'run a whole gated fix on a bundled buggy repo with a recorded model (no API key, no network)',
    )
    .option('--json', 'print every journal event as one JSON line')
    .action(async (opts: { json?: boolean }) => {
      result.code = await (await import('./commands/demo.js')).demoCommand(opts, io);
    });

  program
    .command('eval')
    .description('run scored scenario files through the real runtime (self-test: --sabotage <gate>)')
    .option('--suite <dir>', 'directory of scenario *.json files (default: the built-in suite)')
    .option('--only <name...>', 'run only these scenarios')
    .option(
      '--sabotage <gate>',
      'self-test of the eval: break a gate (red, green, scope) or a trust mechanism (sandbox, tree, guard, ' +
        'data, journal); scenarios that depend on it should fail (see docs/eval.md)',
    )
    .option('--json', 'one JSON line per scenario, then a result line')
    .addHelpText(
      'after',
      '\nExit codes: 0 all scenarios pass · 1 a scenario failed · 2 a malformed scenario file\nSee docs/eval.md.',
    )
    .action(async (opts: { suite?: string; only?: string[]; sabotage?: string; json?: boolean }) => {
      result.code = await (await import('./commands/eval.js')).evalCommand(opts, io);
    });

  program
    .command('init')
    .description('detect the test runner and write agentctl.config.json')
    .option('--force', 'overwrite an existing config')
    .option('--runner <name>', 'skip detection: vitest, jest, node, mocha, ava or pytest')
    .option('--no-verify', 'write the config without running the suite once to check it')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { force?: boolean; runner?: string; json?: boolean; verify?: boolean }) => {
      result.code = await (await import('./commands/init.js')).initCommand(opts, io);
    });

  program
    .command('resume')
    .description('continue a paused, interrupted or crashed run from its journal, doing nothing twice')
    .argument('<run-id>', 'the run to continue (see agentctl runs list)')
    .option('-y, --yes', 'approve GREEN patches by policy instead of asking')
    .option('-m, --model <spec>', `override the model recorded in the journal; ${MODEL_HELP}`)
    .option(
      '--budget <limits>',
      'raise limits of a BUDGET_EXHAUSTED run: turns=N,input=N,output=N,cost=USD,wall=MS',
    )
    .option('--json', 'print every journal event as one JSON line, then a result line')
    .action(
      async (runId: string, opts: { yes?: boolean; model?: string; budget?: string; json?: boolean }) => {
        result.code = await (await import('./commands/resume.js')).resumeCommand(runId, opts, io);
      },
    );

  program
    .command('replay')
    .description(
      're-drive a run from its journal without a model or the repo; exit 1 at the first divergence',
    )
    .argument('<run-id>')
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, opts: { json?: boolean }) => {
      result.code = await (await import('./commands/runs.js')).replayCommand(runId, opts, io);
    });

  const runs = program.command('runs').description('inspect the runs journaled in this repository');
  runs
    .command('list')
    .description('every run, its phase and attempts')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      result.code = await (await import('./commands/runs.js')).runsList(opts, io);
    });
  runs
    .command('show')
    .description("a run's timeline: phases, proposals, verdicts, evidence")
    .argument('<run-id>')
    .option('--json', 'print the raw journal events, one per line')
    .action(async (runId: string, opts: { json?: boolean }) => {
      result.code = await (await import('./commands/runs.js')).runsShow(runId, opts, io);
    });
  runs
    .command('query')
    .description('journal events across runs, filtered (pipe --json into jq)')
    .option('--run <id>', 'only this run')
    .option('--type <type...>', 'event types, e.g. gate_verdict model_response')
    .option('--phase <phase...>', 'phases, e.g. VERIFY_RED')
    .option('--tool <name>', 'events that call this tool')
    .addOption(new Option('--verdict <v>', 'gate verdicts that pass or fail').choices(['pass', 'fail']))
    .option('--since <iso>', 'at or after this time')
    .option('--until <iso>', 'before this time')
    .option('--json', 'one JSON object per line')
    .action(async (opts: QueryOptions) => {
      result.code = await (await import('./commands/runs.js')).runsQuery(opts, io);
    });

  program
    .command('audit')
    .description('check runs against their journals')
    .command('verify')
    .description("verify a run's hash chain and that its branch holds the commit its journal recorded")
    .argument('<run-id>')
    .option('--json', 'print the checks as JSON')
    .action(async (runId: string, opts: { json?: boolean }) => {
      result.code = await (await import('./commands/audit.js')).auditVerify(runId, opts, io);
    });

  program
    .command('repl')
    .description('the interactive REPL: type a task, review each GREEN patch (the default with no command)')
    .action(async () => {
      allowInteractiveRendering(io);
      result.code = await (await import('./commands/repl.js')).replCommand(io);
    });

  // The pull-request bot; `ci check` registers itself (its work loads on demand, like the commands above).
  const ci = program
    .command('ci')
    .description('for CI: check a pull request (ci check), or run a gated fix with no human (ci fix)');
  registerCiCheck(ci, io, result);
  registerCiFix(ci, io, result);

  return program;
}

/** Runs the CLI and returns the exit code; never exits the process itself. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const result = { code: ExitCode.ok as number };
  const program = buildProgram(io, result);
  try {
    // No command opens the REPL; done here rather than as commander's default so typos stay "unknown command".
    await program.parseAsync(argv.length === 0 ? ['repl'] : argv, { from: 'user' });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return 0;
      return ExitCode.usage;
    }
    if (err instanceof UsageError || err instanceof AgentctlError) {
      io.stderr.write(`agentctl: ${err.message}\n`);
      if (err.hint) io.stderr.write(`  ${err.hint}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr.write(`agentctl: internal error: ${e.stack ?? e.message}\n`);
    io.stderr.write(
      '  This is a bug in agentctl. Please report it with the output above and the run id, if any.\n',
    );
    return ExitCode.internal;
  }
}
