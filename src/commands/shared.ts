import { isCalendarDate, parseInstant } from '../durations.js';
import { parseConfig, readEnvironment, type Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { createPancakeClient, type ApiAnswer, type PancakeClient } from '../pancake/client.js';
import { migrateToLatest } from '../warehouse/migrate.js';
import { openWarehouse, type Warehouse } from '../warehouse/db.js';

import { UsageError } from '../errors.js';

export { EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, UsageError } from '../errors.js';

export interface CommandContext {
  config: Config;
  log: Logger;
}

/**
 * Configuration and logger for a command. With `liveProgress`, a terminal gets the progress display
 * instead of info lines (which would tear it), unless LOG_LEVEL asks for them explicitly.
 */
export function loadContext(options: { liveProgress?: boolean } = {}): CommandContext {
  const env = readEnvironment();
  const config = parseConfig(env);
  const tty = process.stderr.isTTY === true;
  const level = options.liveProgress && tty && !env.LOG_LEVEL ? 'warn' : config.logLevel;
  const log = createLogger({ level, pretty: tty });
  return { config, log };
}

/** Opens the warehouse and brings its schema up to date (sync runs `migrate` when behind). */
export async function openMigratedWarehouse(config: Config, log: Logger): Promise<Warehouse> {
  const warehouse = await openWarehouse({ databaseUrl: config.databaseUrl, homeDir: config.homeDir, poolSize: config.concurrency + 4, logger: log });
  try {
    const { applied } = await migrateToLatest(warehouse.db, { log });
    if (applied.length > 0) log.info({ applied }, 'warehouse schema upgraded');
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  return warehouse;
}

export function clientFromConfig(config: Config, log: Logger, overrides: { rateLimit?: number; headers?: Record<string, string>; stopSignal?: AbortSignal; onAnswer?: (answer: ApiAnswer) => void } = {}): PancakeClient {
  return createPancakeClient({
    baseUrl: config.baseUrl,
    ...(config.accessToken !== null && { accessToken: config.accessToken }),
    pageTokens: config.pageTokens,
    rateLimit: overrides.rateLimit ?? config.rateLimitPerSecond,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    concurrency: config.concurrency,
    maxRetryAfterMs: config.maxRetryAfterMs,
    ...(overrides.headers !== undefined && { headers: overrides.headers }),
    ...(overrides.stopSignal !== undefined && { stopSignal: overrides.stopSignal }),
    ...(overrides.onAnswer !== undefined && { onAnswer: overrides.onAnswer }),
    logger: log,
  });
}

/** `--since`/`--until` values: ISO date or datetime (UTC when no zone is given), or a duration back from now. */
export function parseDateFlag(flag: string, value: string | undefined, now = new Date()): Date | null {
  if (value === undefined) return null;
  const date = parseInstant(value, now);
  if (date) return date;
  const day = /^\s*(\d{4}-\d{2}-\d{2})/.exec(value)?.[1];
  if (day !== undefined && !isCalendarDate(day)) throw new UsageError(`${flag} ${value}: ${day} is not a day of the calendar (example: ${flag} 2026-02-28)`);
  throw new UsageError(`${flag} must be an ISO date, an ISO datetime or a duration back from now, got "${value}" (example: ${flag} 2026-01-31, ${flag} 2026-01-31T08:00:00Z or ${flag} 90d)`);
}

export function parseListFlag(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length > 0 ? items : null;
}

export function printTable(rows: Array<Record<string, string | number | null>>, out: NodeJS.WritableStream = process.stdout): void {
  if (rows.length === 0) return;
  const headers = Object.keys(rows[0]!);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out.write(`${line(headers)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) out.write(`${line(headers.map((h) => String(row[h] ?? '')))}\n`);
}

/** Commander actions return nothing; ours return their exit code, kept here for cli.ts. */
export function withExitCode<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    process.exitCode = await fn(...args);
  };
}
