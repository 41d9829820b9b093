/**
 * A conservative reading of a shell command a host reports, for the paths it would write, move or delete. It
 * splits on command separators and reads words with shell quoting; it does not expand variables, command
 * substitutions or aliases, and cannot see into scripts or interpreters the command runs (`node -e`, `python`,
 * `make`). Those limits are stated in docs/referee.md; `ci check` on the pull request catches what gets past.
 */

/** A path (or glob, or directory) a command would change; `'.'` means the whole working tree. */
export interface ShellWrite {
  path: string;
  glob: boolean;
  why: string;
}

/** Words of one command line, quotes removed, with separators and redirections as their own tokens. */
function tokenize(command: string): string[] {
  const tokens: string[] = [];
  let word = '';
  let inWord = false;
  const flush = () => {
    if (inWord) tokens.push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < command.length; i += 1) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word += command.slice(i + 1, end === -1 ? undefined : end);
      inWord = true;
      i = end === -1 ? command.length : end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < command.length && command[j] !== '"') {
        if (command[j] === '\\' && j + 1 < command.length) j += 1;
        word += command[j];
        j += 1;
      }
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[i + 1];
      inWord = true;
      i += 1;
    } else if (/\s/.test(c)) {
      flush();
      if (c === '\n') tokens.push(';');
    } else if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      // `2>&1` keeps its `&` inside the redirection word.
      if (c === '&' && word.endsWith('>')) {
        word += c;
        inWord = true;
        continue;
      }
      flush();
      const two = command.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === ';;') {
        tokens.push(two);
        i += 1;
      } else tokens.push(c);
    } else if (c === '>' || c === '<') {
      // A redirection: a leading fd number (2>) or & (&>) stays with it.
      const fd = /^(?:\d+|&)?$/.test(word) ? word : null;
      if (fd === null) flush();
      let op = `${fd ?? ''}${c}`;
      word = '';
      inWord = false;
      while (command[i + 1] === '>' || command[i + 1] === '|' || command[i + 1] === '&') {
        op += command[i + 1];
        i += 1;
      }
      tokens.push(op);
    } else {
      word += c;
      inWord = true;
    }
  }
  flush();
  return tokens;
}

const SEPARATORS = new Set([';', '&&', '||', '|', '&', '(', ')', ';;']);
const GLOB = /[*?[]/;

function operands(args: string[]): string[] {
  const out: string[] = [];
  let optionsDone = false;
  for (const a of args) {
    if (!optionsDone && a === '--') optionsDone = true;
    else if (optionsDone || !a.startsWith('-')) out.push(a);
  }
  return out;
}

/** Paths one simple command (words after any `env VAR=x`, `sudo`) would change. */
function commandWrites(words: string[]): ShellWrite[] {
  let i = 0;
  while (
    i < words.length &&
    (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!) ||
      ['sudo', 'env', 'command', 'exec', 'nohup', 'time', 'xargs'].includes(words[i]!))
  )
    i += 1;
  const [name, ...args] = words.slice(i);
  if (name === undefined) return [];
  const base = name.slice(name.lastIndexOf('/') + 1);
  const each = (paths: string[], why: string) => paths.map((path) => ({ path, glob: GLOB.test(path), why }));
  switch (base) {
    case 'rm':
    case 'rmdir':
    case 'unlink':
    case 'touch':
    case 'truncate':
    case 'shred':
    case 'chmod':
      return each(
        operands(args).filter((a) => !/^[0-7]{3,4}$|^[ugoa]*[+-=]/.test(a)),
        base,
      );
    case 'mv':
    case 'ln':
      return each(operands(args), base);
    case 'cp':
    case 'install':
    case 'rsync': {
      const ops = operands(args);
      return each(ops.slice(-1), base);
    }
    case 'tee':
      return each(operands(args), 'tee');
    case 'sed':
    case 'perl':
    case 'ruby': {
      // In-place editing only; the script is the first operand unless -e/-f gave it.
      if (!args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'))) return [];
      const scripted = args.some((a) => a === '-e' || a === '-f' || a.startsWith('--expression'));
      const ops = operands(args.filter((a, n) => !(n > 0 && (args[n - 1] === '-e' || args[n - 1] === '-f'))));
      return each(scripted ? ops : ops.slice(1), `${base} -i`);
    }
    case 'dd':
      return each(
        args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3)),
        'dd',
      );
    case 'patch':
    case 'git': {
      if (base === 'patch') return [{ path: '.', glob: false, why: 'patch' }];
      const sub = args.find((a) => !a.startsWith('-'));
      const rest = args.slice(args.indexOf(sub ?? '') + 1);
      if (sub === 'checkout' || sub === 'restore' || sub === 'rm' || sub === 'mv') {
        const dash = rest.indexOf('--');
        const paths = dash === -1 ? operands(rest) : rest.slice(dash + 1);
        // `git checkout <branch>` and `git checkout .` may rewrite any file: counted as the whole tree.
        if (sub === 'checkout' && dash === -1) return [{ path: '.', glob: false, why: 'git checkout' }];
        return paths.length === 0
          ? [{ path: '.', glob: false, why: `git ${sub}` }]
          : each(paths, `git ${sub}`);
      }
      if (
        [
          'reset',
          'stash',
          'apply',
          'am',
          'merge',
          'rebase',
          'pull',
          'switch',
          'cherry-pick',
          'revert',
        ].includes(sub ?? '')
      )
        return sub === 'reset' && !rest.includes('--hard')
          ? []
          : [{ path: '.', glob: false, why: `git ${sub}` }];
      return [];
    }
    default:
      return [];
  }
}

/** Every path a command line would change, by the rules above and its output redirections. */
export function shellWrites(command: string): ShellWrite[] {
  const tokens = tokenize(command);
  const writes: ShellWrite[] = [];
  let words: string[] = [];
  const end = () => {
    writes.push(...commandWrites(words));
    words = [];
  };
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (SEPARATORS.has(t)) end();
    else if (/^(?:\d+|&)?>{1,2}[|&]?$/.test(t)) {
      const target = tokens[i + 1];
      i += 1;
      if (target !== undefined && !target.startsWith('&') && !/^\d+$/.test(target))
        writes.push({ path: target, glob: GLOB.test(target), why: 'redirection' });
    } else if (/^(?:\d+)?>&\d*$/.test(t)) continue;
    else if (t === '<' || t === '<<' || t === '<<<') i += 1;
    else words.push(t);
  }
  end();
  return writes;
}
