/** Every failpoint the runtime passes through, in the order a run meets them. */
export const FAILPOINTS = [
  'intent:before',
  'intent:after',
  'model:after_response',
  'apply:mid',
  'effect:after',
  'result:after',
  'approval:waiting',
  'commit:before_ref',
  'publish:after_push',
  'publish:after_comment',
] as const;

/** A failpoint name; passing any other string does not compile. */
export type Failpoint = (typeof FAILPOINTS)[number];

const hits = new Map<string, number>();

/**
 * Named failpoints for crash tests: inert unless AGENTCTL_FAILPOINT names one (`name` or `name@N` for the Nth
 * time it is reached), in which case the process kills itself with SIGKILL there, as a power cut would.
 */
export function failpoint(name: Failpoint): Promise<void> {
  const wanted = process.env.AGENTCTL_FAILPOINT;
  if (wanted === undefined || wanted === '') return Promise.resolve();
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  for (const spec of wanted.split(',')) {
    const [point, nth] = spec.split('@');
    if (point === name && count === (nth === undefined ? 1 : Number(nth)))
      process.kill(process.pid, 'SIGKILL');
  }
  return Promise.resolve();
}
