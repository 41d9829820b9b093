import { execa } from 'execa';
import { hostView, sandboxHome, type Mount } from './host-view.js';

export { sandboxHome } from './host-view.js';

/** Whether bubblewrap can isolate commands here, and why not when it cannot. */
export interface SandboxStatus {
  available: boolean;
  reason?: string;
}

/** What one sandboxed command sees; all paths absolute and already resolved. */
export interface BwrapSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  writable: string[];
  readOnlyBinds: Array<{ from: string; to: string }>;
}

/** The bwrap binary; AGENTCTL_BWRAP overrides it (tests point it at a missing path). */
export function bwrapBinary(): string {
  return process.env.AGENTCTL_BWRAP ?? 'bwrap';
}

function mountArgs(mount: Mount): string[] {
  switch (mount.kind) {
    case 'ro':
      return ['--ro-bind', mount.path, mount.path];
    case 'symlink':
      return ['--symlink', mount.target, mount.path];
    case 'tmpfs':
      return ['--tmpfs', mount.path];
    case 'mask-file':
      return ['--ro-bind', '/dev/null', mount.path];
    default: {
      const never: never = mount;
      throw new Error(`unknown mount ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Isolation flags shared by real runs and the availability probe. The root is an empty
 * tmpfs (bwrap's default) so only the host view's allowlist is visible: fail closed.
 */
function isolationArgs(): string[] {
  // prettier-ignore
  const args = [
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--unshare-net', '--unshare-pid', '--unshare-ipc',
    '--die-with-parent', '--new-session',
    // As root bwrap keeps every capability, and CAP_SYS_ADMIN could remount a bind read-write.
    '--cap-drop', 'ALL',
  ];
  for (const mount of hostView()) args.push(...mountArgs(mount));
  return args;
}

/** The full bwrap command line for one command (argv, never a shell string). */
export function bwrapArgs(spec: BwrapSpec): string[] {
  const args = [...isolationArgs(), '--bind', spec.cwd, spec.cwd];
  for (const dir of spec.writable) args.push('--bind', dir, dir);
  for (const bind of spec.readOnlyBinds) args.push('--ro-bind', bind.from, bind.to);
  // --clearenv takes effect where it appears, so it must precede every --setenv.
  args.push('--chdir', spec.cwd, '--clearenv');
  for (const [name, value] of Object.entries(spec.env)) args.push('--setenv', name, value);
  return [...args, '--', ...spec.argv];
}

const probes = new Map<string, Promise<SandboxStatus>>();

async function probe(binary: string): Promise<SandboxStatus> {
  const result = await execa(binary, [...isolationArgs(), '--', process.execPath, '-e', '0'], {
    reject: false,
    timeout: 15_000,
    stdin: 'ignore',
    extendEnv: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: sandboxHome() },
  });
  if (result.exitCode === 0) return { available: true };
  const detail = result.exitCode === undefined ? result.originalMessage : String(result.stderr).trim();
  return {
    available: false,
    reason: `${binary} does not work here: ${detail || `exit code ${String(result.exitCode)}`}`,
  };
}

/** Probes bubblewrap once per binary path and caches the answer for the process. */
export function sandboxStatus(): Promise<SandboxStatus> {
  const binary = bwrapBinary();
  let status = probes.get(binary);
  if (status === undefined) {
    status = probe(binary);
    probes.set(binary, status);
  }
  return status;
}
