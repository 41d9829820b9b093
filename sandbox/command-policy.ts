/** argv-prefix rules from the `commands` section of the config. */
export interface CommandRules {
  allow: string[][];
  deny: string[][];
}

/** Whether a command may run; a refusal names the rule and the command. */
export type CommandVerdict = { ok: true } | { ok: false; rule: 'denied' | 'not_allowed'; message: string };

/** Index of the quote closing the one at `open`, or -1 (also when `open` is no quote). */
function closingQuote(line: string, open: number): number {
  const quote = line[open];
  if (quote === "'") return line.indexOf("'", open + 1);
  if (quote !== '"') return -1;
  for (let j = open + 1; j < line.length; j++) {
    if (line[j] === '\\') j++;
    else if (line[j] === '"') return j;
  }
  return -1;
}

/**
 * Splits a command line into argv on whitespace. Single quotes keep everything
 * literally; double quotes keep everything but `\"` and `\\`; a backslash outside
 * quotes escapes the next character. Nothing else is special: `;`, `|`, `&&`, `$(`,
 * backticks and `>` stay literal characters of the argument they appear in, because
 * commands never pass through a shell. A quote without its closing partner is literal.
 */
export function parseArgv(line: string): string[] {
  const argv: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? '';
    if (/\s/.test(char)) {
      if (inWord) argv.push(current);
      current = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (char === '\\' && i + 1 < line.length) {
      current += line[++i] ?? '';
      continue;
    }
    const close = closingQuote(line, i);
    if (close === -1) {
      current += char;
      continue;
    }
    const body = line.slice(i + 1, close);
    current += char === '"' ? body.replace(/\\(["\\])/g, '$1') : body;
    i = close;
  }
  if (inWord) argv.push(current);
  return argv;
}

function startsWith(argv: string[], prefix: string[]): boolean {
  return prefix.length > 0 && prefix.length <= argv.length && prefix.every((part, i) => argv[i] === part);
}

function show(argv: string[]): string {
  return argv.map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part))).join(' ');
}

/**
 * Decides whether `argv` may run: it must start with some allow prefix and with no
 * deny prefix (deny beats allow). Matching is exact per argument; no globbing.
 */
export function checkCommand(argv: string[], rules: CommandRules): CommandVerdict {
  const denied = rules.deny.find((prefix) => startsWith(argv, prefix));
  if (denied !== undefined) {
    return {
      ok: false,
      rule: 'denied',
      message: `command "${show(argv)}" matches the deny rule "${show(denied)}"`,
    };
  }
  if (!rules.allow.some((prefix) => startsWith(argv, prefix))) {
    return {
      ok: false,
      rule: 'not_allowed',
      message: `command "${show(argv)}" matches no allowed command prefix`,
    };
  }
  return { ok: true };
}
