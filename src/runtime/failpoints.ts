/**
 * Named failpoints for crash tests: inert unless AGENTCTL_FAILPOINT names one, in which case the process
 * kills itself with SIGKILL there, as a power cut would (no cleanup, no flush).
 */
export function failpoint(name: string): Promise<void> {
  const wanted = process.env.AGENTCTL_FAILPOINT;
  if (wanted !== undefined && wanted !== '' && wanted.split(',').includes(name)) {
    process.kill(process.pid, 'SIGKILL');
  }
  return Promise.resolve();
}
