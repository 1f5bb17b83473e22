import { UserError } from '../../errors.js';

/**
 * The embedded Postgres could not start. Its message says why and what to do; the cause is kept
 * for LOG_LEVEL=debug. A user fixes it (a directory, DATABASE_URL), so it ends a command with exit 2.
 */
export class EmbeddedPostgresError extends UserError {}

export type Fail = (reason: string, cause?: unknown) => EmbeddedPostgresError;
export type Log = (msg: string) => void;

/** The error factory of one start: every message names the data directory and the way out. */
export function failureFor(dataDir: string): Fail {
  return (reason, cause) =>
    new EmbeddedPostgresError(
      `could not start the embedded Postgres in ${dataDir}: ${reason.trim().replace(/\.$/, '')}. ` +
        'Set DATABASE_URL to use your own Postgres server instead, or fix the cause above and run the command again.',
      cause === undefined ? undefined : { cause },
    );
}

export function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return err.errors.map(errorMessage).join('; ');
  return err instanceof Error ? err.message || err.constructor.name : String(err);
}
