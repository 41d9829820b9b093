import { lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

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

/** Inside the sandbox HOME lives in the private /tmp. */
export const SANDBOX_HOME = '/tmp/home';

/**
 * Credential stores under the user's home. The root is bound read-only, so without
 * masking a test could print ~/.aws/credentials into output the model reads.
 */
const CREDENTIAL_PATHS = [
  '.ssh',
  '.aws',
  '.gnupg',
  '.azure',
  '.kube',
  '.docker',
  '.config/gh',
  '.config/hub',
  '.config/gcloud',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.cargo/credentials',
  '.cargo/credentials.toml',
];

/** The bwrap binary; AGENTCTL_BWRAP overrides it (tests point it at a missing path). */
export function bwrapBinary(): string {
  return process.env.AGENTCTL_BWRAP ?? 'bwrap';
}

function maskArgs(): string[] {
  const args: string[] = [];
  for (const rel of CREDENTIAL_PATHS) {
    const path = join(homedir(), rel);
    try {
      args.push(...(lstatSync(path).isDirectory() ? ['--tmpfs', path] : ['--ro-bind', '/dev/null', path]));
    } catch {
      // Absent: nothing to hide.
    }
  }
  return args;
}

/** Isolation flags shared by real runs and the availability probe. */
function isolationArgs(): string[] {
  // prettier-ignore
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--dir', SANDBOX_HOME,
    '--unshare-net', '--unshare-pid', '--unshare-ipc',
    '--die-with-parent', '--new-session',
    // As root bwrap keeps every capability, and CAP_SYS_ADMIN could remount / read-write.
    '--cap-drop', 'ALL',
  ];
}

/** The full bwrap command line for one command (argv, never a shell string). */
export function bwrapArgs(spec: BwrapSpec): string[] {
  const args = [...isolationArgs(), ...maskArgs(), '--bind', spec.cwd, spec.cwd];
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
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
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
