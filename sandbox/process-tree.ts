import { readdirSync, readFileSync } from 'node:fs';

/** A process as /proc shows it; the start time tells a live pid from a reused one. */
interface ProcInfo {
  pid: number;
  ppid: number;
  start: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after the last ')' do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), start: fields[19] ?? '' };
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (Linux /proc; empty elsewhere). */
export function descendants(root: number): ProcInfo[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, ProcInfo[]>();
  for (const pid of pids) {
    const info = readProc(pid);
    if (info === null) continue;
    children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
  }
  const found: ProcInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? -1) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // Already gone (ESRCH) is the goal; EPERM cannot happen for our own children.
  }
}

/**
 * SIGKILLs a detached child's process group and every descendant found under it,
 * which also catches grandchildren that moved to a session of their own.
 */
export function killTree(pid: number): void {
  const tree = descendants(pid);
  signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  for (const proc of tree) {
    if (readProc(proc.pid)?.start === proc.start) signal(proc.pid, 'SIGKILL');
  }
}

/** SIGKILLs what is left of a finished child's process group (background jobs it started). */
export function killGroup(pid: number): void {
  signal(-pid, 'SIGKILL');
}
