import type { Config } from '../config.js';
import { parseDuration } from '../durations.js';
import { UsageError } from './shared.js';

// Flag checks shared by the queue commands (enqueue, worker, queue-status).

/** Workers and `enqueue` meet in one Postgres: the embedded one is private to a process. */
export function requireDatabaseUrl(config: Config, command: string): string {
  if (config.databaseUrl) return config.databaseUrl;
  throw new UsageError(
    `\`pancake-sync ${command}\` needs DATABASE_URL: workers share their runs through the warehouse's Postgres, and the embedded one is private to one process ` +
      '(example: DATABASE_URL=postgres://sync:secret@db.internal:5432/warehouse). For one machine without a server, use `pancake-sync sync`.',
  );
}

export function parsePositiveInt(flag: string, value: string, example: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got "${value}" (example: ${flag} ${example})`);
  return Number(value);
}

export function parseDurationFlag(flag: string, value: string, example: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new UsageError(`${flag} must be a duration, got "${value}" (example: ${flag} ${example})`);
  return ms;
}
