import { JournalError } from '../errors.js';

/** Wraps a file-system failure as a `JournalError`, keeping the original as `cause`. */
export function ioError(message: string, cause: unknown): JournalError {
  const error = new JournalError(`${message}: ${firstLine(cause)}`);
  error.cause = cause;
  return error;
}

/** The first line of an error's message; zod and some fs errors carry long multi-line ones. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
