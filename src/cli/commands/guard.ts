import { realpath } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../errors.js';
import { GUARD_HOSTS, type GuardHost } from '../../guard/events.js';
import { teach } from '../help.js';
import type { CliIO } from '../io.js';

async function readStdin(io: CliIO): Promise<string> {
  if (io.stdin.isTTY === true) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** `agentctl guard <host> <event>`: answers one hook call on stdout/stderr and with the exit code the host reads. */
export async function guardHookCommand(host: GuardHost, word: string, io: CliIO): Promise<number> {
  const hosts = await import('../../guard/hosts.js');
  const { decideHook, cannotDecide } = await import('../../guard/decide.js');
  const { repoRoot } = await import('../../git/repo.js');
  let call;
  try {
    call = hosts.parseHookInput(host, word, await readStdin(io));
  } catch (error) {
    const reply = hosts.unreadableReply((error as Error).message);
    io.stderr.write(reply.stderr);
    return reply.exitCode;
  }
  let answer;
  try {
    const root = await realpath(await repoRoot(call.cwd));
    answer = await decideHook(root, call, (m) => io.stderr.write(`agentctl guard: ${m}\n`));
  } catch (error) {
    // The journal itself could not be written: still a denial, never a silent allow.
    answer = { decision: 'deny' as const, reason: cannotDecide(error, call.session) };
  }
  const reply = hosts.renderReply(call, answer);
  io.stdout.write(reply.stdout);
  io.stderr.write(reply.stderr);
  return reply.exitCode;
}

async function root(io: CliIO): Promise<string> {
  const { repoRoot } = await import('../../git/repo.js');
  return realpath(await repoRoot(io.cwd));
}

/** `agentctl guard status`: the session's phase, locked tests and last verdict. */
export async function guardStatusCommand(
  opts: { session?: string; json?: boolean },
  io: CliIO,
): Promise<number> {
  const { pickSession, readSession } = await import('../../guard/session.js');
  const repo = await root(io);
  const key = await pickSession(repo, opts.session);
  const { state } = await readSession(repo, key);
  if (opts.json) {
    io.stdout.write(`${JSON.stringify({ key, ...state })}\n`);
    return 0;
  }
  const lines = [
    `session ${state.session} (${state.host}), cycle ${state.cycle}, base ${state.base.slice(0, 12)}`,
    `phase: ${state.phase}`,
    `locked tests: ${state.locked.length === 0 ? '(none)' : state.locked.map((f) => f.path).join(', ')}`,
    `last verdict: ${state.lastVerdict === null ? '(none)' : `${state.lastVerdict.kind.toUpperCase()} ${state.lastVerdict.ok ? 'held' : 'failed'} — ${state.lastVerdict.message}`}`,
    `last decision: ${state.lastDecision === null ? '(none)' : `${state.lastDecision.decision} (${state.lastDecision.rule})`}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** `agentctl guard off`: the journaled escape hatch; every later hook call of the session is allowed. */
export async function guardOffCommand(
  opts: { session?: string; reason?: string },
  io: CliIO,
): Promise<number> {
  const { pickSession, readSession, withSession } = await import('../../guard/session.js');
  const repo = await root(io);
  const key = await pickSession(repo, opts.session);
  const { state } = await readSession(repo, key);
  await withSession(
    repo,
    { session: key, host: state.host },
    () => Promise.resolve(state.base),
    (s) =>
      s.append('guard_off', {
        by: io.env.USER ?? io.env.LOGNAME ?? 'unknown user',
        reason: opts.reason ?? 'turned off from the command line',
      }),
  );
  io.stdout.write(`guard is off for session ${state.session}; the journal records it.\n`);
  return 0;
}

/** `agentctl guard install`: writes (or prints) the host's hook configuration for this repository. */
export async function guardInstallCommand(
  opts: { host: GuardHost; print?: boolean; command: string },
  io: CliIO,
): Promise<number> {
  const { installHooks } = await import('../../guard/install.js');
  const done = await installHooks(await root(io), opts.host, {
    print: opts.print === true,
    command: opts.command,
  });
  io.stdout.write(opts.print ? done.text : `wrote agentctl's ${opts.host} hooks into ${done.file}\n`);
  return 0;
}

function hostArg(value: string): GuardHost {
  if (!(GUARD_HOSTS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${GUARD_HOSTS.join(', ')}`);
  return value as GuardHost;
}

const HOOK_CODES = '0 answered (the decision is in the output)\n2 the hook input is unreadable (denied)';
const CODES = '0 done\n2 usage error (no repository, no session, a settings file that is not JSON)';
const MORE = 'See docs/referee.md.\n';

/** Adds `agentctl guard` and its subcommands. */
export function registerGuard(program: Command, io: CliIO, result: { code: number }): void {
  const guard = program
    .command('guard')
    .description(
      'referee the coding agent you already use: its hooks call agentctl, which runs RED and GREEN',
    );
  teach(guard, {
    examples: [
      ['agentctl guard install --host claude', 'adds the hooks to .claude/settings.json'],
      ['agentctl guard status', ''],
      ['agentctl guard off', 'the escape hatch, journaled'],
    ],
    exitCodes: HOOK_CODES,
    more: 'See docs/referee.md.\n',
  });
  for (const host of GUARD_HOSTS) {
    guard
      .command(`${host} <event>`)
      .description(`answer one ${host} hook call (JSON on stdin), as ${host}'s hook protocol documents`)
      .action(async (event: string) => {
        result.code = await guardHookCommand(host, event, io);
      });
    teach(guard.commands.at(-1)!, {
      examples: [[`agentctl guard ${host} <event> < hook-input.json`, `what the ${host} hooks run`]],
      config: false,
      exitCodes: HOOK_CODES,
      more: MORE,
    });
  }
  guard
    .command('install')
    .description("write the host's hook configuration for this repository, merged with what is there")
    .requiredOption('--host <host>', GUARD_HOSTS.join(' | '), hostArg)
    .option('--print', 'print the merged configuration instead of writing it')
    .option('--command <cmd>', 'how the host runs agentctl', 'agentctl')
    .action(async (opts: { host: GuardHost; print?: boolean; command: string }) => {
      result.code = await guardInstallCommand(opts, io);
    });
  teach(guard.commands.at(-1)!, {
    examples: [
      ['agentctl guard install --host codex', 'merges into .codex/hooks.json'],
      ['agentctl guard install --host gemini --print', 'prints .gemini/settings.json as it would be'],
    ],
    config: false,
    exitCodes: CODES,
    more: MORE,
  });
  guard
    .command('status')
    .description("a guard session's phase, locked tests and last verdict")
    .option('--session <id>', 'the host session (default: the most recently active)')
    .option('--json', 'print the state as JSON')
    .action(async (opts: { session?: string; json?: boolean }) => {
      result.code = await guardStatusCommand(opts, io);
    });
  teach(guard.commands.at(-1)!, {
    examples: [['agentctl guard status --json', '']],
    config: false,
    exitCodes: CODES,
    more: MORE,
  });
  guard
    .command('off')
    .description('turn the referee off for a session (journaled); its hooks then allow everything')
    .option('--session <id>', 'the host session (default: the most recently active)')
    .option('--reason <text>', 'why, for the journal')
    .action(async (opts: { session?: string; reason?: string }) => {
      if (opts.session === '') throw new UsageError('--session needs a session id');
      result.code = await guardOffCommand(opts, io);
    });
  teach(guard.commands.at(-1)!, {
    examples: [['agentctl guard off --reason "pairing by hand"', '']],
    config: false,
    exitCodes: CODES,
    more: MORE,
  });
}
