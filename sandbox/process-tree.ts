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

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

/** Every live descendant of `root` (Linux /proc; empty elsewhere). */
export function descendants(root: number): ProcInfo[] {
  const pids = allPids();
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

/** Set in the environment of every unsandboxed command, so its processes can be found once they leave the tree. */
export const RUN_MARK_VAR = 'AGENTCTL_RUN_MARK';

/** Live processes whose environment holds `AGENTCTL_RUN_MARK=<mark>` (only those this user may read). */
export function markedProcesses(mark: string): ProcInfo[] {
  const needle = `\0${RUN_MARK_VAR}=${mark}\0`;
  const found: ProcInfo[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    try {
      if (!`\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(needle)) continue;
    } catch {
      continue;
    }
    const info = readProc(pid);
    if (info !== null) found.push(info);
  }
  return found;
}

/**
 * Ends every process of one run: the tree under `pid` and, because a `setsid` daemon
 * leaves both the group and the tree, every process still carrying the run's mark, with
 * the descendants of each. Repeats while it finds any, since a daemon may fork meanwhile.
 */
export function killRun(pid: number, mark: string): void {
  killTree(pid);
  for (let round = 0; round < 20; round++) {
    const marked = markedProcesses(mark);
    if (marked.length === 0) return;
    for (const proc of marked) {
      const tree = descendants(proc.pid);
      if (readProc(proc.pid)?.start === proc.start) signal(proc.pid, 'SIGKILL');
      for (const child of tree) if (readProc(child.pid)?.start === child.start) signal(child.pid, 'SIGKILL');
    }
  }
}
