import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { ApiStatusError, CallCancelled, ConnectionFailure, StreamErrorEvent } from '../retry.js';

/** Error types or codes inside a Chat Completions stream that a request refused for good would not carry. */
const FINAL_STREAM_ERRORS =
  /invalid_request|authentication|permission|not_found|context_length|content_filter/;

// `instanceof` on the generic class would type status and headers as `any`; this keeps their declared types.
function isApiError(err: unknown): err is APIError {
  return err instanceof APIError;
}

/** Maps the openai SDK's errors to the neutral ones retrying understands; anything else passes unchanged. */
export function neutralError(err: unknown): unknown {
  if (err instanceof APIUserAbortError) return new CallCancelled(err.message);
  if (err instanceof APIConnectionError) return new ConnectionFailure(err.message);
  if (!isApiError(err)) return err;
  const body = (err.error ?? {}) as { message?: unknown };
  const detail = typeof body.message === 'string' ? body.message : err.message;
  const type = err.type ?? err.code ?? 'error';
  // An error object inside an SSE stream has no status: the stream had started, so it is the server's trouble.
  if (err.status === undefined)
    return new StreamErrorEvent(type, detail, !FINAL_STREAM_ERRORS.test(`${type} ${err.code ?? ''}`));
  return new ApiStatusError(err.status, type, detail, err.headers ?? undefined);
}
