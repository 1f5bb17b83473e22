import { join, resolve } from 'node:path';
import { Kysely, PostgresDialect, type DialectAdapter } from 'kysely';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redact } from '../redact.js';
import { createPool, type PoolOptions } from './connection.js';
import { startEmbeddedPostgres } from './embedded.js';
import { OwnerOnlyMigrationAdapter } from './migration-lock.js';
import type { Database } from './schema.js';

export interface Warehouse {
  db: Kysely<Database>;
  /** Connection string a BI tool can use (password included: it is the user's own database). */
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** DATABASE_URL does not lead to a server that answers: the user fixes the URL or starts the server. */
export class DatabaseUnreachableError extends UserError {}

export interface OpenOptions {
  databaseUrl: string | null;
  /** Where the embedded Postgres keeps its data when no DATABASE_URL is given. */
  homeDir: string;
  poolSize?: number;
  logger?: Logger;
  /** DATABASE_PREPARED_STATEMENTS: off behind a pooler in transaction mode (prepared-statements.ts). Default on. */
  preparedStatements?: boolean;
}

/** Connects to DATABASE_URL, or starts the embedded Postgres under `<homeDir>/postgres`. */
export async function openWarehouse(options: OpenOptions): Promise<Warehouse> {
  let url = options.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (url === null) {
    const dataDir = resolve(join(options.homeDir, 'postgres'));
    options.logger?.info({ dataDir }, 'DATABASE_URL is not set: using the embedded Postgres');
    const embedded = await startEmbeddedPostgres({ dataDir, log: (msg) => options.logger?.debug(msg) });
    if (embedded.clusterDir !== join(dataDir, 'pgdata')) {
      options.logger?.info({ cluster: embedded.clusterDir }, `the embedded Postgres keeps its cluster in ${embedded.clusterDir} (linked from ${join(dataDir, 'pgdata')}): as root it runs as the user "postgres", which cannot enter ${dataDir}`);
    }
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const db = createDb(url, options.poolSize ?? 10, { preparedStatements: options.preparedStatements });
  try {
    await db.selectNoFrom((eb) => eb.val(1).as('ok')).execute();
  } catch (error) {
    await db.destroy().catch(() => undefined);
    await stopEmbedded?.();
    throw new DatabaseUnreachableError(
      `Cannot connect to the database ${describeUrl(url)}: ${redact(error instanceof Error ? error.message : String(error))}. ` +
        'Check DATABASE_URL (example: postgres://user:password@localhost:5432/warehouse) and that the server is running.',
      { cause: error },
    );
  }
  return {
    db,
    url,
    embedded: stopEmbedded !== null,
    async close() {
      await db.destroy();
      await stopEmbedded?.();
    },
  };
}

/** Postgres, with a migration lock no other login can take (migration-lock.ts). */
class WarehouseDialect extends PostgresDialect {
  override createAdapter(): DialectAdapter {
    return new OwnerOnlyMigrationAdapter();
  }
}

export function createDb(url: string, poolSize = 10, poolOptions: PoolOptions = {}): Kysely<Database> {
  // A dropped connection (server restarted, backend terminated) never crashes the process: see createPool.
  return new Kysely<Database>({ dialect: new WarehouseDialect({ pool: createPool(url, poolSize, poolOptions) }) });
}

/** The URL without its password (in the user part or the query string: `?password=`, `sslpassword=`), for messages. */
export function describeUrl(url: string): string {
  return redact(url);
}
