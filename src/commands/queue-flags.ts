import type { Config } from '../config.js';
import { durationRule, wholeNumberRule } from '../rules.js';
import { UsageError } from '../errors.js';

// Flag checks shared by the queue commands (enqueue, worker, queue-status).

/** Workers and `enqueue` meet in one Postgres: the embedded one is private to a process. */
export function requireDatabaseUrl(config: Config, command: string): string {
  if (config.databaseUrl) return config.databaseUrl;
  throw new UsageError(
    `\`pancake-sync ${command}\` needs DATABASE_URL: workers share their runs through the warehouse's Postgres, and the embedded one is private to one process ` +
      '(example: DATABASE_URL=postgres://sync:secret@db.internal:5432/warehouse). For one machine without a server, use `pancake-sync sync`.',
  );
}

/** --concurrency of a worker: each task holds a connection (docs/workers.md, "Sizing"). */
export const WORKER_CONCURRENCY_RULE = wholeNumberRule(1, 100);
/** --max-attempts of enqueue. */
export const MAX_ATTEMPTS_RULE = wholeNumberRule(1, 100);
/** --shutdown-timeout of a worker. */
export const SHUTDOWN_TIMEOUT_RULE = durationRule(0, 86_400_000);
/** --reap-interval of a worker: how late a dead worker's tasks are handed back, at most. */
export const REAP_INTERVAL_RULE = durationRule(100, 3_600_000);
