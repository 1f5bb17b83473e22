import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { PancakeError } from '../pancake/errors.js';
import { StreamUnavailableError } from './stream.js';

// Expected failures (a refused token, a rate limit that outlasted the retries, a stream the API
// does not serve, a setting to fix) are logged as one line whose message says what to do. A stack
// trace helps only with the unexpected ones, and only when asked for with LOG_LEVEL=debug.

/** Errors whose message is the whole story for the person reading the log. */
export function isExpectedFailure(error: unknown): boolean {
  return error instanceof UserError || error instanceof PancakeError || error instanceof StreamUnavailableError;
}

/** The fields a failure adds to its log line: the kind always, the error with its stack only at debug. */
export function failureLogFields(error: unknown, log: Logger): Record<string, unknown> {
  const kind = error instanceof PancakeError ? error.kind : error instanceof Error ? error.name : 'error';
  if (!isExpectedFailure(error) && log.isLevelEnabled('debug')) return { kind, err: error };
  return { kind };
}
