// What every command starts from: the configuration and logger, the warehouse migrated to this
// version, the client built from the settings, and the exit code a command returns to cli.ts.

import { parseConfig, readEnvironment, type Config } from '../config.js';
import type { ExitCode } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { createPancakeClient, type PancakeClient, type PancakeClientOptions } from '../pancake/client.js';
import { migrateToLatest } from '../warehouse/migrate.js';
import { openWarehouse, type Warehouse } from '../warehouse/db.js';

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
  const warehouse = await openWarehouse({ databaseUrl: config.databaseUrl, homeDir: config.homeDir, preparedStatements: config.preparedStatements, poolSize: config.concurrency + 4, logger: log });
  try {
    const { applied } = await migrateToLatest(warehouse.db, { log });
    if (applied.length > 0) log.info({ applied }, 'warehouse schema upgraded');
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  return warehouse;
}

export function clientFromConfig(config: Config, log: Logger, overrides: Pick<PancakeClientOptions, 'rateLimit' | 'headers' | 'stopSignal' | 'onAnswer'> = {}): PancakeClient {
  return createPancakeClient({
    baseUrl: config.baseUrl,
    ...(config.accessToken !== null && { accessToken: config.accessToken }),
    pageTokens: config.pageTokens,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    concurrency: config.concurrency,
    maxRetryAfterMs: config.maxRetryAfterMs,
    rateLimitWaitMs: config.rateLimitWaitMs,
    rateLimitRunWaitMs: config.rateLimitRunWaitMs,
    ...overrides,
    rateLimit: overrides.rateLimit ?? config.rateLimitPerSecond,
    logger: log,
  });
}

/** Commander actions return nothing; ours return their exit code, kept here for cli.ts. */
export function withExitCode<A extends unknown[]>(fn: (...args: A) => Promise<ExitCode>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    process.exitCode = await fn(...args);
  };
}
