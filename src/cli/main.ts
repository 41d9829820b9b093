import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AgentctlError, ExitCode, UsageError } from '../errors.js';
import { packageFile } from '../paths.js';
// Commands load on demand so `--version` and `--help` start fast.
import type { QueryOptions } from './commands/runs.js';
import { registerCiCheck } from './commands/ci-check.js';
import { registerCiFix } from './commands/ci-fix.js';
import { registerMcp } from './commands/mcp.js';
import { registerGuard } from './commands/guard.js';
import { ALL_ENV, HELP_WIDTH, RUN_ENV, teach } from './help.js';
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

const MODEL_HELP =
  'model: anthropic:<name>, openai:<name>, ollama:<name>, openai-compatible:<name>, or scripted:<cassette.json>';
const RUN_ID_HELP = 'a run id, a unique prefix of one, or last (see agentctl runs list)';

/** `-C <dir>`: like git -C, every command runs as if started in <dir>; it must be an existing directory. */
async function changeDirectory(io: CliIO, dir: string): Promise<void> {
  const target = resolve(io.cwd, dir);
  const info = await stat(target).catch(() => null);
  if (info === null) throw new UsageError(`-C ${dir}: no such directory (${target})`);
  if (!info.isDirectory()) throw new UsageError(`-C ${dir}: not a directory (${target})`);
  io.cwd = target;
}

/** The full id of the run the user named (an id, a unique prefix, or last); exit 2 with recent runs otherwise. */
async function runIdFor(io: CliIO, typed: string): Promise<string> {
  return (await import('./run-id.js')).resolveRunId(io.cwd, typed);
}

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
    .option('-C <dir>', 'run as if agentctl was started in <dir> (like git -C)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      getOutHelpWidth: () => Math.min(HELP_WIDTH, io.stdout.columns || HELP_WIDTH),
      getErrHelpWidth: () => Math.min(HELP_WIDTH, io.stderr.columns || HELP_WIDTH),
    })
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .showHelpAfterError('(run agentctl --help for usage)')
    .hook('preAction', async () => {
      const dir = program.opts<{ C?: string }>().C;
      if (dir !== undefined) await changeDirectory(io, dir);
    });
  teach(program, {
    examples: [
      ['agentctl demo', 'a whole gated fix on a bundled buggy repo; no API key, no network'],
      ['agentctl init', 'detect your test runner, run the suite once, write the config'],
      ['agentctl fix "average([]) should return 0, not NaN"', ''],
      ['agentctl fix - < task.txt', 'the task from stdin'],
      ['agentctl runs show last', 'what the last run did, step by step'],
      ['agentctl resume last', 'continue an interrupted or paused run'],
      ['agentctl -C ../other-repo runs list', 'any command, in another repository'],
    ],
    env: ALL_ENV,
    more: 'Every command has its own --help. Guide: README.md; details: docs/.\n',
  });

  program
    .command('fix')
    .summary('run one gated fix: orient, write a failing test (RED), fix until GREEN, review, commit')
    .description(
      'Run one gated fix: orient, write a failing test (RED), fix until GREEN, review, commit. The run starts ' +
        'from HEAD in its own worktree; your work tree is never touched, and uncommitted changes are not seen.',
    )
    .argument('<task>', 'what to fix, in plain words; - reads it from stdin')
    .option('-m, --model <spec>', MODEL_HELP)
    .option('-y, --yes', 'approve GREEN patches by policy instead of asking')
    .addOption(
      new Option('--max-attempts <n>', 'failed attempts before escalating (default 3)').argParser(
        positiveInt,
      ),
    )
    .option('--json', 'print every journal event as one JSON line, then a result line')
    .option('--record <file>', 'write every model turn to a cassette that --model scripted:<file> replays')
    .action(
      async (task: string, opts: { model?: string; yes?: boolean; maxAttempts?: number; json?: boolean }) => {
        result.code = await (await import('./commands/fix.js')).fixCommand(task, opts, io);
      },
    );
  teach(program.commands.at(-1)!, {
    examples: [
      [
        'agentctl fix "average([]) should return 0, not NaN"',
        'asks you to review the GREEN patch in a terminal',
      ],
      ['agentctl fix -y -m anthropic:claude-sonnet-4-6 "parse() drops the last line"', ''],
      ['git log -1 --format=%B | agentctl fix -', 'the task from stdin'],
      ['agentctl fix --record task.json "…"', 'keep the model turns; replay with --model scripted:task.json'],
    ],
    env: RUN_ENV,
    more: 'Ctrl-C kills the running tests and stops at a checkpoint (exit 130); agentctl\nresume last continues.\n',
  });

  program
    .command('demo')
    .description(
      'run a whole gated fix on a bundled buggy repo with a recorded model (no API key, no network)',
    )
    .option('--json', 'print every journal event as one JSON line')
    .action(async (opts: { json?: boolean }) => {
      result.code = await (await import('./commands/demo.js')).demoCommand(opts, io);
    });
  teach(program.commands.at(-1)!, {
    examples: [
      ['agentctl demo', ''],
      ['agentctl demo --json | jq -c "[.seq, .type, .phase]"', 'the journal as it is written'],
    ],
    env: ['NO_COLOR', 'AGENTCTL_CACHE_DIR', 'AGENTCTL_RUN_ID', 'AGENTCTL_CLOCK'],
    config: false,
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
    .action(async (opts: { suite?: string; only?: string[]; sabotage?: string; json?: boolean }) => {
      result.code = await (await import('./commands/eval.js')).evalCommand(opts, io);
    });
  teach(program.commands.at(-1)!, {
    examples: [
      ['agentctl eval', 'the built-in suite'],
      ['agentctl eval --only happy-path --json', ''],
      ['agentctl eval --sabotage red', 'the eval must notice a disabled RED gate'],
    ],
    env: ['NO_COLOR', 'AGENTCTL_CACHE_DIR'],
    config: false,
    exitCodes: '0 all scenarios pass · 1 a scenario failed · 2 a malformed scenario file',
    more: 'See docs/eval.md.\n',
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
  teach(program.commands.at(-1)!, {
    examples: [
      ['agentctl init', 'detect the runner, run the suite once, write the config'],
      ['agentctl init --runner vitest --no-verify', ''],
      ['agentctl -C ~/src/app init --force', 'rewrite the config of another repository'],
    ],
    env: ['NO_COLOR', 'AGENTCTL_BWRAP'],
    exitCodes: '0 config written · 1 the suite does not run as configured · 2 usage error',
  });

  program
    .command('resume')
    .description('continue a paused, interrupted or crashed run from its journal, doing nothing twice')
    .argument('<run-id>', RUN_ID_HELP)
    .option('-y, --yes', 'approve GREEN patches by policy instead of asking')
    .option('-m, --model <spec>', `override the model recorded in the journal; ${MODEL_HELP}`)
    .option(
      '--budget <limits>',
      'raise limits of a BUDGET_EXHAUSTED run: turns=N,input=N,output=N,cost=USD,wall=MS',
    )
    .option('--json', 'print every journal event as one JSON line, then a result line')
    .action(
      async (runId: string, opts: { yes?: boolean; model?: string; budget?: string; json?: boolean }) => {
        const id = await runIdFor(io, runId);
        result.code = await (await import('./commands/resume.js')).resumeCommand(id, opts, io);
      },
    );
  teach(program.commands.at(-1)!, {
    examples: [
      ['agentctl resume last', 'the run whose journal changed last'],
      ['agentctl resume 20261202-1337 --yes', 'a unique prefix of an id'],
      ['agentctl resume last --budget turns=80,cost=10', 'more budget for a BUDGET_EXHAUSTED run'],
    ],
    env: RUN_ENV,
  });

  program
    .command('replay')
    .description(
      're-drive a run from its journal without a model or the repo; exit 1 at the first divergence',
    )
    .argument('<run-id>', RUN_ID_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, opts: { json?: boolean }) => {
      const id = await runIdFor(io, runId);
      result.code = await (await import('./commands/runs.js')).replayCommand(id, opts, io);
    });
  teach(program.commands.at(-1)!, {
    examples: [
      ['agentctl replay last', ''],
      ['agentctl replay 20261202 --json', 'a unique prefix of an id'],
    ],
    config: false,
    exitCodes: '0 every decision reproduced · 1 a divergence (named) · 2 unknown run or\ncorrupt journal',
  });

  const runs = program.command('runs').description('inspect the runs journaled in this repository');
  const inspectCodes = '0 done · 2 unknown run, or a corrupt journal (the line is named)';
  teach(runs, {
    examples: [
      ['agentctl runs list', ''],
      ['agentctl runs show last', ''],
      ['agentctl runs query --type gate_verdict --verdict fail --json | jq .', ''],
    ],
    config: false,
    exitCodes: inspectCodes,
  });
  runs
    .command('list')
    .description('every run, its phase and attempts')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      result.code = await (await import('./commands/runs.js')).runsList(opts, io);
    });
  teach(runs.commands.at(-1)!, {
    examples: [
      ['agentctl runs list', ''],
      ['agentctl -C ../app runs list --json', ''],
    ],
    config: false,
    exitCodes: inspectCodes,
  });
  runs
    .command('show')
    .description("a run's timeline: phases, proposals, verdicts, evidence")
    .argument('<run-id>', RUN_ID_HELP)
    .option('--json', 'print the raw journal events, one per line')
    .action(async (runId: string, opts: { json?: boolean }) => {
      const id = await runIdFor(io, runId);
      result.code = await (await import('./commands/runs.js')).runsShow(id, opts, io);
    });
  teach(runs.commands.at(-1)!, {
    examples: [
      ['agentctl runs show last', ''],
      ['agentctl runs show 20261202-13', 'a unique prefix of an id'],
    ],
    config: false,
    exitCodes: inspectCodes,
  });
  runs
    .command('query')
    .description('journal events across runs, filtered (pipe --json into jq)')
    .option('--run <id>', `only this run: ${RUN_ID_HELP}`)
    .option('--type <type...>', 'event types, e.g. gate_verdict model_response')
    .option('--phase <phase...>', 'phases, e.g. VERIFY_RED')
    .option('--tool <name>', 'events that call this tool')
    .addOption(new Option('--verdict <v>', 'gate verdicts that pass or fail').choices(['pass', 'fail']))
    .option('--since <iso>', 'at or after this time')
    .option('--until <iso>', 'before this time')
    .option('--json', 'one JSON object per line')
    .action(async (opts: QueryOptions) => {
      const run = opts.run === undefined ? {} : { run: await runIdFor(io, opts.run) };
      result.code = await (await import('./commands/runs.js')).runsQuery({ ...opts, ...run }, io);
    });
  teach(runs.commands.at(-1)!, {
    examples: [
      ['agentctl runs query --type gate_verdict --verdict fail', ''],
      ['agentctl runs query --run last --tool edit_file --json | jq .payload', ''],
    ],
    config: false,
    exitCodes: inspectCodes,
  });

  const audit = program.command('audit').description('check runs against their journals');
  const auditExamples = { examples: [['agentctl audit verify last', '']] as const, config: false };
  const auditCodes = '0 every check holds · 1 a check failed · 2 unknown run or corrupt journal';
  teach(audit, { ...auditExamples, exitCodes: auditCodes });
  const verify = audit
    .command('verify')
    .description("verify a run's hash chain and that its branch holds the commit its journal recorded")
    .argument('<run-id>', RUN_ID_HELP)
    .option('--json', 'print the checks as JSON')
    .action(async (runId: string, opts: { json?: boolean }) => {
      const id = runId.startsWith('guard:') ? runId : await runIdFor(io, runId);
      result.code = await (await import('./commands/audit.js')).auditVerify(id, opts, io);
    });
  teach(verify, { ...auditExamples, exitCodes: auditCodes });

  program
    .command('repl')
    .description('the interactive REPL: type a task, review each GREEN patch (the default with no command)')
    .action(async () => {
      allowInteractiveRendering(io);
      result.code = await (await import('./commands/repl.js')).replCommand(io);
    });
  teach(program.commands.at(-1)!, {
    examples: [
      ['agentctl', 'no command opens the REPL'],
      ['agentctl -C ~/src/app repl', ''],
    ],
    env: RUN_ENV,
  });

  // The pull-request bot; `ci check` registers itself (its work loads on demand, like the commands above).
  const ci = program
    .command('ci')
    .description('for CI: check a pull request (ci check), or run a gated fix with no human (ci fix)');
  teach(ci, {
    examples: [
      ['agentctl ci check --base origin/main', ''],
      ['agentctl ci fix --issue 42', ''],
    ],
    exitCodes: 'see agentctl ci check --help and agentctl ci fix --help',
    more: 'See docs/ci.md.\n',
  });
  registerCiCheck(ci, io, result);
  registerCiFix(ci, io, result);
  registerMcp(program, io, result);
  registerGuard(program, io, result);

  return program;
}

/**
 * No command opens the REPL (also after global options, as in `agentctl -C dir`); done here rather than as
 * commander's default command so that typos stay "unknown command".
 */
function withDefaultCommand(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length && (argv[i] === '-C' || /^-C./.test(argv[i] ?? ''))) i += argv[i] === '-C' ? 2 : 1;
  return i >= argv.length ? [...argv, 'repl'] : argv;
}

/** Runs the CLI and returns the exit code; never exits the process itself. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const result = { code: ExitCode.ok as number };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(withDefaultCommand(argv), { from: 'user' });
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
