import { rmSync } from 'node:fs';

/**
 * Scratch directories of a `ci check` in progress. While any exists, SIGTERM and SIGINT remove them all before
 * the process ends the way the signal says, so a stopped check leaves nothing behind (and, with no `git
 * worktree`, nothing stays registered with git).
 */
const open = new Set<string>();
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const dir of open) rmSync(dir, { recursive: true, force: true });
  open.clear();
  uninstall();
  // With our handler gone, the signal's default action ends the process as it would have.
  process.kill(process.pid, signal);
}

function install(): void {
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Starts tracking a scratch directory for removal on a signal. */
export function trackScratch(dir: string): void {
  if (open.size === 0) install();
  open.add(dir);
}

/** Stops tracking a directory (it has been removed). */
export function untrackScratch(dir: string): void {
  if (!open.delete(dir)) return;
  if (open.size === 0) uninstall();
}
