import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** fsyncs a directory so entries just created or renamed in it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals its metadata anyway.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `mkdir -p` that also fsyncs every directory whose listing it changed. */
export async function mkdirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const top = resolve(first);
  let current = resolve(dir);
  for (;;) {
    await syncDir(dirname(current));
    if (current === top || dirname(current) === current) return;
    current = dirname(current);
  }
}
