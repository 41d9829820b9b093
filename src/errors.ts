/** Exit codes, as DESIGN.md defines them. */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  escalated: 3,
  budgetExhausted: 4,
  internal: 70,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every unexpected failure; `bin/` turns it into a message and an exit code. */
export class AgentctlError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  /** What the user can do about it, printed under the message. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, exitCode: ExitCodeValue, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad command line: unknown argument, missing value. */
export class UsageError extends AgentctlError {
  constructor(message: string, hint?: string) {
    super('E_USAGE', message, ExitCode.usage, hint);
  }
}

/** Missing or invalid agentctl.config.json, or another bad input file. */
export class ConfigError extends AgentctlError {
  constructor(message: string, hint?: string) {
    super('E_CONFIG', message, ExitCode.usage, hint);
  }
}

/** No usable model provider or cassette. */
export class ModelUnavailableError extends AgentctlError {
  constructor(message: string, hint?: string) {
    super('E_MODEL', message, ExitCode.usage, hint);
  }
}

/** A git operation failed in a way the runtime cannot treat as a verdict. */
export class GitError extends AgentctlError {
  constructor(message: string, hint?: string) {
    super('E_GIT', message, ExitCode.internal, hint);
  }
}

/** The sandbox cannot provide the isolation the config requires. */
export class SandboxError extends AgentctlError {
  constructor(message: string, hint?: string) {
    super('E_SANDBOX', message, ExitCode.usage, hint);
  }
}

/** The user stopped agentctl (Ctrl-C) while a command ran; the command's process tree has been killed. */
export class InterruptedError extends AgentctlError {
  constructor(message = 'interrupted') {
    super('E_INTERRUPTED', message, ExitCode.interrupted);
  }
}

/** A journal cannot be read, written or created. */
export class JournalError extends AgentctlError {
  constructor(message: string, hint?: string, exitCode: ExitCodeValue = ExitCode.internal) {
    super('E_JOURNAL', message, exitCode, hint);
  }
}

/**
 * A complete journal line (or a blob it names) that fails its schema, hash or chain: damage or tampering, which
 * is refused and never repaired. Bad input, so exit 2 like a bad config.
 */
export class JournalCorruptError extends JournalError {
  constructor(message: string, hint?: string) {
    super(message, hint, ExitCode.usage);
  }
}

/** A journal line of an event version this build does not read: exit 2, with which agentctl can read it. */
export class JournalVersionError extends JournalCorruptError {}

/** A bug in agentctl itself. */
export class InternalError extends AgentctlError {
  constructor(message: string) {
    super(
      'E_INTERNAL',
      message,
      ExitCode.internal,
      'This is a bug in agentctl; please report it with the run id.',
    );
  }
}
