/** How often and how long the provider retries a failed request. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** First backoff; each retry doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `retry-after` the provider will wait; a longer one ends the call at once. */
  maxRetryAfterMs: number;
}

/** Four retries after backoffs of about 1, 2, 4 and 8 s (or what `retry-after` asks, up to two minutes). */
export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Time, injectable so tests retry without waiting. */
export interface Clock {
  sleep(ms: number): Promise<void>;
  random(): number;
}

/** Wall-clock waits and Math.random jitter. */
export const realClock: Clock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** What went wrong with one attempt, and whether another attempt can help. */
export interface Failure {
  retryable: boolean;
  /** One line for the user: `429 rate_limit_error: ...`, `connection dropped`, `timed out after 300000 ms`. */
  reason: string;
  status?: number;
  retryAfterMs?: number;
}

/** Raised by the streaming code when the server closed the stream before its end marker. */
export class StreamCutError extends Error {}

/** Raised when an attempt outlived its timeout (the SDKs report our own abort as a user abort). */
export class AttemptTimeoutError extends Error {}

/*
 * The neutral failures every provider maps its SDK's errors to, so that retrying is decided in one place and no
 * vendor's types leak into it.
 */

/** The API answered with an HTTP error status. */
export class ApiStatusError extends Error {
  constructor(
    readonly status: number,
    /** The API's error type, e.g. `rate_limit_error`; `error` when it sent none. */
    readonly type: string,
    readonly detail: string,
    readonly headers: Headers | undefined,
  ) {
    super(`${status} ${type}: ${detail}`);
  }
}

/** An error event inside a stream that had started fine; the provider knows which of its types are transient. */
export class StreamErrorEvent extends Error {
  constructor(
    readonly type: string,
    readonly detail: string,
    readonly retryable: boolean,
  ) {
    super(`${type} during the stream: ${detail}`);
  }
}

/** The request never got an answer: refused connection, reset, DNS failure. */
export class ConnectionFailure extends Error {}

/** The caller cancelled the request. */
export class CallCancelled extends Error {}

/** Classifies an error from one attempt: HTTP status, error events inside a stream, dropped connections. */
export function classify(err: unknown): Failure {
  if (err instanceof AttemptTimeoutError) return { retryable: true, reason: err.message };
  if (err instanceof StreamCutError) return { retryable: true, reason: err.message };
  if (err instanceof CallCancelled) return { retryable: false, reason: 'the request was cancelled' };
  if (err instanceof ConnectionFailure)
    return { retryable: true, reason: `connection error: ${err.message}` };
  if (err instanceof StreamErrorEvent) return { retryable: err.retryable, reason: err.message };
  if (err instanceof ApiStatusError) {
    const header = err.headers?.get('x-should-retry');
    const retryable =
      header === 'true' ||
      (header !== 'false' &&
        (err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500));
    const retryAfterMs = parseRetryAfter(err.headers);
    return {
      retryable,
      reason: err.message,
      status: err.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  // Undici reports a socket closed mid-body as `TypeError: terminated` (cause: SocketError) or a reset.
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (
    (e.name === 'TypeError' && /terminated|fetch failed|network/i.test(e.message ?? '')) ||
    /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_)/.test(code)
  ) {
    return { retryable: true, reason: `connection dropped: ${e.message ?? code}` };
  }
  return { retryable: false, reason: `unexpected failure: ${e.message ?? String(err)}` };
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry `retry` (0-based): what the server asked for, or exponential backoff with jitter (between
 * half and all of the doubled delay) so that many clients do not retry in step.
 */
export function backoffMs(retry: number, policy: RetryPolicy, random: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** One retry, reported so the user sees why the run is waiting. */
export interface RetryNotice {
  retry: number;
  maxRetries: number;
  delayMs: number;
  reason: string;
}

/** The last failure of a call that will not be retried, and how many attempts were made. */
export class RetriesExhausted extends Error {
  constructor(
    readonly failure: Failure,
    readonly attempts: number,
    why: string,
  ) {
    super(why);
  }
}

/** Runs `attempt` until it succeeds, fails for good, or the policy runs out; every wait goes through `clock`. */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  clock: Clock,
  onRetry: (notice: RetryNotice) => void = () => undefined,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const failure = classify(err);
      if (!failure.retryable) throw new RetriesExhausted(failure, n + 1, 'not retryable');
      if (n >= policy.maxRetries)
        throw new RetriesExhausted(failure, n + 1, `gave up after ${n + 1} attempts`);
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs) {
        throw new RetriesExhausted(
          failure,
          n + 1,
          `the API asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s, more than the ${policy.maxRetryAfterMs / 1000} s limit`,
        );
      }
      const delayMs = backoffMs(n, policy, clock.random(), failure.retryAfterMs);
      onRetry({ retry: n + 1, maxRetries: policy.maxRetries, delayMs, reason: failure.reason });
      await clock.sleep(delayMs);
    }
  }
}
