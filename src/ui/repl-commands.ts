/** What a line typed at the REPL prompt asks for. */
export type ReplCommand =
  | { kind: 'empty' }
  | { kind: 'fix'; task: string }
  | { kind: 'model'; spec: string }
  | { kind: 'status' }
  | { kind: 'runs' }
  | { kind: 'resume'; runId: string }
  | { kind: 'diff' }
  | { kind: 'budget' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'usage'; message: string };

/** The slash commands and what they do, for /help. */
export const HELP: ReadonlyArray<[string, string]> = [
  ['<task>', 'start a gated run for the task (same as /fix <task>)'],
  ['/fix <task>', 'start a gated run: RED test, fix until GREEN, your review, commit'],
  ['/model <spec>', 'set the model, e.g. /model scripted:fixtures/cassettes/calc-node/happy-path.json'],
  ['/status', 'the current run: id, phase, attempts'],
  ['/runs', 'runs recorded in .agentctl/runs'],
  ['/resume <id>', 'resume a paused run'],
  ['/diff', 'the last patch applied in this run'],
  ['/budget', 'turns, tokens and cost used against the limits'],
  ['/help', 'this list'],
  ['/quit', 'leave (Ctrl-C twice also leaves)'],
];

/** Parses one typed line; anything not starting with "/" is a task. */
export function parseReplLine(line: string): ReplCommand {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };
  if (!text.startsWith('/')) return { kind: 'fix', task: text };
  const space = text.indexOf(' ');
  const name = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const arg = space < 0 ? '' : text.slice(space + 1).trim();
  switch (name) {
    case '/fix':
      return arg === '' ? { kind: 'usage', message: 'usage: /fix <task>' } : { kind: 'fix', task: arg };
    case '/model':
      return arg === ''
        ? { kind: 'usage', message: 'usage: /model scripted:<cassette.json>' }
        : { kind: 'model', spec: arg };
    case '/resume':
      return arg === ''
        ? { kind: 'usage', message: 'usage: /resume <run-id> (see /runs)' }
        : { kind: 'resume', runId: arg };
    case '/status':
      return { kind: 'status' };
    case '/runs':
      return { kind: 'runs' };
    case '/diff':
      return { kind: 'diff' };
    case '/budget':
      return { kind: 'budget' };
    case '/help':
    case '/?':
      return { kind: 'help' };
    case '/quit':
    case '/exit':
    case '/q':
      return { kind: 'quit' };
    default:
      return { kind: 'usage', message: `unknown command ${name}; /help lists them` };
  }
}
