import type { Command } from 'commander';

/** The widest a help screen gets, whatever the terminal: lines stay readable and wrap the same everywhere. */
export const HELP_WIDTH = 80;

/** Every environment variable agentctl reads that a user may set, with what it does. */
const ENV = {
  ANTHROPIC_API_KEY: 'API key for --model anthropic:<name>',
  ANTHROPIC_BASE_URL: 'another endpoint for the Anthropic API (a proxy, a gateway)',
  OPENAI_API_KEY:
    'API key for --model openai:<name> (and openai-compatible:<name> unless modelOptions.apiKeyEnv names another)',
  OPENAI_BASE_URL: 'another endpoint for --model openai:<name> (default https://api.openai.com/v1)',
  OLLAMA_HOST: 'where --model ollama:<name> finds Ollama (default 127.0.0.1:11434)',
  NO_COLOR: 'set to print without colors (also off when TERM=dumb or not a TTY)',
  AGENTCTL_CACHE_DIR: 'where run worktrees live (default $XDG_CACHE_HOME/agentctl, else ~/.cache/agentctl)',
  AGENTCTL_RUN_ID: 'pin the id of a new run (letters, digits, - and _), for scripts and tests',
  AGENTCTL_CLOCK: 'pin the start time of a new run (ISO 8601), for reproducible commits',
  AGENTCTL_BWRAP: 'path of the bubblewrap binary that sandboxes test runs (default bwrap)',
  VISUAL: 'editor for "e" in the review screen (else EDITOR)',
  EDITOR: 'editor for "e" in the review screen when VISUAL is unset',
  GITHUB_TOKEN: 'token for ci fix to push and comment',
  GH_TOKEN: 'the same, when GITHUB_TOKEN is unset',
  GITHUB_REPOSITORY: 'owner/name that ci fix comments in (set by GitHub Actions)',
  GITHUB_EVENT_PATH: 'the event ci fix takes its task from (set by GitHub Actions)',
  GITHUB_EVENT_NAME: 'which event that is (set by GitHub Actions)',
  GITHUB_RUN_ID: 'names the run of ci fix, so a re-run finds it (set by Actions)',
  GITHUB_API_URL: 'the GitHub API (default https://api.github.com)',
  GITHUB_ACTIONS: 'when "true", ci check also prints workflow annotations',
  GITHUB_STEP_SUMMARY: 'a file ci check appends its Markdown report to',
} as const satisfies Record<string, string>;
type EnvName = keyof typeof ENV;

/** Exit codes as DESIGN.md defines them (src/errors.ts ExitCode). */
const EXIT_CODES =
  '0 done, or check passed · 1 a gate or check failed · 2 usage or config error\n' +
  '3 escalated to a human, or a GREEN patch awaits review · 4 budget exhausted\n' +
  '(resumable) · 130 interrupted (resumable) · 70 internal error (a bug)';

/** How to pick a model with each provider; shown by every command that runs one. */
const MODELS =
  'anthropic:<name>           Claude, ANTHROPIC_API_KEY; or a bare claude-* name\n' +
  'openai:<name>              OpenAI, OPENAI_API_KEY; or a bare gpt-*, o1/o3/o4*\n' +
  'ollama:<name>              a local Ollama, no key (OLLAMA_HOST)\n' +
  'openai-compatible:<name>   llama.cpp, vLLM, OpenRouter, LiteLLM… at\n' +
  '                           modelOptions.baseUrl in agentctl.config.json\n' +
  'scripted:<cassette.json>   a recorded model: no key, no network\n' +
  'Pass it with --model, or set "model" in agentctl.config.json (docs/models.md).';

const CONFIG =
  'agentctl.config.json at the repository root (agentctl init writes one); the\n' +
  'fields are in the README, section Configuration.';

/** What one command's help teaches beyond its options. */
export interface Teaching {
  /** Command lines, each with what it does on the next line (or '' for none). */
  examples: ReadonlyArray<readonly [command: string, what: string]>;
  env?: readonly EnvName[];
  /** Exit codes, when the command has its own; default the full list. */
  exitCodes?: string;
  /** Whether the command reads agentctl.config.json. */
  config?: boolean;
  /** Anything else worth a line, e.g. a pointer to a doc. */
  more?: string;
}

function block(title: string, body: string): string {
  return `${title}:\n${body
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

function envBlock(names: readonly EnvName[]): string {
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const room = HELP_WIDTH - 2 - width;
  return names
    .map((name) => {
      const words = ENV[name].split(' ');
      const lines: string[] = [];
      let line = '';
      for (const word of words) {
        if (line !== '' && line.length + 1 + word.length > room) {
          lines.push(line);
          line = word;
        } else line = line === '' ? word : `${line} ${word}`;
      }
      lines.push(line);
      return lines.map((l, i) => `${(i === 0 ? name : '').padEnd(width)}${l}`).join('\n');
    })
    .join('\n');
}

/** Adds examples before a command's usage, and environment, config file and exit codes after its options. */
export function teach(cmd: Command, t: Teaching): Command {
  const examples = t.examples.map(([line, what]) => (what === '' ? line : `${line}\n    ${what}`)).join('\n');
  cmd.addHelpText('before', `${block('Examples', examples)}`);
  // A command that reads a model's key runs a model, so it says how to pick one.
  const runsModel = t.env?.includes('OPENAI_API_KEY') === true;
  const after = [
    runsModel ? block('Models', MODELS) : '',
    t.env !== undefined && t.env.length > 0 ? block('Environment', envBlock(t.env)) : '',
    t.config === false ? '' : block('Config file', CONFIG),
    block('Exit codes', t.exitCodes ?? EXIT_CODES),
    t.more ?? '',
  ].filter((s) => s !== '');
  cmd.addHelpText('after', `\n${after.join('\n')}`);
  return cmd;
}

/** The environment variables the top-level help lists: all of them. */
export const ALL_ENV = Object.keys(ENV) as EnvName[];
/** Those a command that runs the model and the tests reads. */
export const RUN_ENV: readonly EnvName[] = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_BASE_URL',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OLLAMA_HOST',
  'NO_COLOR',
  'AGENTCTL_CACHE_DIR',
  'AGENTCTL_BWRAP',
  'VISUAL',
  'EDITOR',
];
