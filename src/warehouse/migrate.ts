import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { ensureAnalyticsViews } from '../../migrations/parts/analytics-views.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { refreshPendingAnalytics } from './analytics/refresh.js';
import { describeSessions, isLockNotAvailable, LockWaitTimeoutError, sessionsLocking, waitForLock } from './lock-wait.js';
import { describeMigrationHolder, hasOwnerOnlyMigrationLock, MIGRATION_STATEMENT_LOCK_TIMEOUT, MigrationLockHeld } from './migration-lock.js';
import { repairPageTokenStore } from './page-tokens/store-repair.js';
import { isPrivilegeError, privilegeAdvice } from './privileges.js';
import { applyReaderRole } from './reader-role.js';
import type { Database } from './schema.js';

/**
 * Where kysely keeps its migration bookkeeping: pancake-sync's private schema, out of the schemas
 * analysts browse. Versions before 0008 kept it in `pancake`; moveBookkeeping() moves it once.
 */
export const MIGRATION_SCHEMA = 'pancake_private';
const LEGACY_MIGRATION_SCHEMA = 'pancake';

export class SchemaTooNewError extends UserError {
  constructor(unknown: string[]) {
    super(
      `The warehouse schema is newer than this pancake-sync: it has migration(s) ${unknown.join(', ')} that this version does not know. ` +
        'Upgrade pancake-sync to the version that created them (or newer) before syncing into this database.',
    );
  }
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: MIGRATION_SCHEMA,
  });
}

export interface SchemaStatus {
  applied: string[];
  pending: string[];
  unknown: string[];
}

export async function schemaStatus(db: Kysely<Database>): Promise<SchemaStatus> {
  const known = Object.keys(migrations).sort();
  const applied = await appliedMigrationNames(db);
  return {
    applied: applied.filter((name) => known.includes(name)),
    pending: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name)),
  };
}

/** Applied migrations, read where they are: the private schema, or `pancake` before the move. */
async function appliedMigrationNames(db: Kysely<Database>): Promise<string[]> {
  for (const schema of [MIGRATION_SCHEMA, LEGACY_MIGRATION_SCHEMA]) {
    const { rows: found } = await sql<{ table: string | null }>`select to_regclass(${`${schema}.kysely_migration`})::text as table`.execute(db);
    if (!found[0]?.table) continue;
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(`${schema}.kysely_migration`)} order by name`.execute(db);
    return rows.map((row) => row.name);
  }
  return [];
}

/**
 * Moves kysely's tables from `pancake` to the private schema, once, before the migrator looks for
 * them; on a warehouse that never had them there, it does nothing and locks nothing. Two processes
 * upgrading together are kept apart by the lock on the old table itself (only its owner may take
 * that mode), waited for with a bound: the loser finds the table gone and has nothing left to do.
 * If both places hold a log (an older version ran after the move), the two are merged.
 */
async function moveBookkeeping(db: Kysely<Database>): Promise<void> {
  const legacy = async () => {
    const { rows } = await sql<{ found: boolean }>`select to_regclass(${`${LEGACY_MIGRATION_SCHEMA}.kysely_migration`}) is not null or to_regclass(${`${LEGACY_MIGRATION_SCHEMA}.kysely_migration_lock`}) is not null as found`.execute(db);
    return rows[0]?.found === true;
  };
  for (let attempt = 0; attempt < 3 && (await legacy()); attempt++) {
    try {
      await db.transaction().execute(async (trx) => {
        await sql`select set_config('lock_timeout', ${BOOKKEEPING_LOCK_TIMEOUT}, true)`.execute(trx);
        await sql`create schema if not exists ${sql.id(MIGRATION_SCHEMA)}`.execute(trx);
        for (const table of ['kysely_migration', 'kysely_migration_lock']) {
          const { rows } = await sql<{ legacy: string | null; moved: string | null }>`
            select to_regclass(${`${LEGACY_MIGRATION_SCHEMA}.${table}`})::text as legacy, to_regclass(${`${MIGRATION_SCHEMA}.${table}`})::text as moved`.execute(trx);
          if (!rows[0]?.legacy) continue;
          await sql`lock table ${sql.table(`${LEGACY_MIGRATION_SCHEMA}.${table}`)} in access exclusive mode`.execute(trx);
          if (!rows[0].moved) {
            await sql`alter table ${sql.table(`${LEGACY_MIGRATION_SCHEMA}.${table}`)} set schema ${sql.id(MIGRATION_SCHEMA)}`.execute(trx);
            continue;
          }
          if (table === 'kysely_migration') {
            await sql`insert into ${sql.table(`${MIGRATION_SCHEMA}.${table}`)} select * from ${sql.table(`${LEGACY_MIGRATION_SCHEMA}.${table}`)} on conflict do nothing`.execute(trx);
          }
          await sql`drop table ${sql.table(`${LEGACY_MIGRATION_SCHEMA}.${table}`)}`.execute(trx);
        }
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Moved by the other process while this one waited for the table: look again.
      if (code === '42P01' || code === '42P07' || code === '23505') continue;
      if (isLockNotAvailable(error)) {
        const holders = await describeSessions(db, await sessionsLocking(db, [`${LEGACY_MIGRATION_SCHEMA}.kysely_migration`, `${LEGACY_MIGRATION_SCHEMA}.kysely_migration_lock`]));
        throw new LockWaitTimeoutError(`moving the migration log to ${MIGRATION_SCHEMA} waited ${BOOKKEEPING_LOCK_TIMEOUT} for ${holders ?? 'another session'}, which holds the old log table; let it finish (or end it) and run again`, { cause: error });
      }
      throw error;
    }
  }
}

export interface MigrateOptions {
  log?: Logger | undefined;
  /** The longest wait for another process's migration (default MIGRATION_LOCK_WAIT_MS). */
  lockWaitMs?: number;
  signal?: AbortSignal | undefined;
}

/** How long a migration waits for another process that is migrating the same warehouse. */
export const MIGRATION_LOCK_WAIT_MS = 10 * 60_000;
/** How long moving the migration log waits for its old table. */
const BOOKKEEPING_LOCK_TIMEOUT = '30s';

/**
 * Brings the schema to the latest version. The migrations run in one transaction under a lock only
 * the owner can take (migration-lock.ts), so two processes starting together apply them once; a
 * process that finds another migrating waits for it, with a bound and one log line. Refuses a
 * schema that is newer than this code. Repairs the private page-token table when it is missing.
 */
export async function migrateToLatest(db: Kysely<Database>, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  if (!hasOwnerOnlyMigrationLock(db)) throw new Error('migrateToLatest needs a Kysely made by createDb (its migration lock is one no other login can take)');
  const status = await schemaStatus(db);
  if (status.unknown.length > 0) throw new SchemaTooNewError(status.unknown);
  if (status.pending.length === 0) {
    if (await ensureViews(db)) await applyReaderRole(db);
    await repairPageTokenStore(db, options.log);
    return { applied: [] };
  }
  await moveBookkeeping(db).catch(async (error: unknown) => {
    throw isPrivilegeError(error) ? await privilegeAdvice(db, error) : error;
  });
  let outcome: MigrationResultSet | null = null;
  let holder: number | null = null;
  await waitForLock(
    async () => {
      const result = await migrator(db).migrateToLatest();
      if (result.error instanceof MigrationLockHeld) {
        holder = result.error.holderPid;
        return false;
      }
      outcome = result;
      return true;
    },
    { what: 'the migration lock (another process is migrating this warehouse)', timeoutMs: options.lockWaitMs ?? MIGRATION_LOCK_WAIT_MS, holders: () => describeMigrationHolder(db, holder), log: options.log, signal: options.signal },
  );
  const { error, results } = outcome as unknown as MigrationResultSet;
  if (error && isPrivilegeError(error)) throw await privilegeAdvice(db, error);
  if (error && isLockNotAvailable(error)) {
    const holders = await describeSessions(db, await sessionsLocking(db, await warehouseTables(db)));
    throw new LockWaitTimeoutError(`a migration waited ${MIGRATION_STATEMENT_LOCK_TIMEOUT} for a table that ${holders ?? 'another session'} holds (a long query, an open transaction); nothing was changed: run again when it ends, or end it`, { cause: error });
  }
  if (error) {
    const failed = results?.find((r: MigrationResultSet['results'] extends (infer R)[] | undefined ? R : never) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  await ensureViews(db);
  // Whoever applied them owns the new tables: only they can give the reader role access.
  await applyReaderRole(db);
  await repairPageTokenStore(db, options.log);
  // A migration that changed the analytics summaries queued their rebuild: done now, so that the
  // views are complete before the next sync. A failure leaves it queued for that sync.
  await refreshPendingAnalytics(db, { log: options.log, signal: options.signal }).catch((error: unknown) => {
    throw new Error(`The migrations are applied, but summarizing the stored history for the analytics views failed (${error instanceof Error ? error.message : String(error)}); the next sync tries again.`, { cause: error });
  });
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * The analytics views, which are not versioned: recreated when their definitions changed
 * (migrations/parts/analytics-views.ts); true when they were. Dropping a view waits for the
 * readers using it, within the migrations' bound.
 */
async function ensureViews(db: Kysely<Database>): Promise<boolean> {
  try {
    return await ensureAnalyticsViews(db, MIGRATION_STATEMENT_LOCK_TIMEOUT);
  } catch (error) {
    if (!isLockNotAvailable(error)) throw error;
    const holders = await describeSessions(db, await sessionsLocking(db, await warehouseTables(db)));
    throw new LockWaitTimeoutError(`recreating the analytics views waited ${MIGRATION_STATEMENT_LOCK_TIMEOUT} for ${holders ?? 'another session'} (a long query, an open transaction); the views are as they were: run again when it ends, or end it`, { cause: error });
  }
}

/** The tables and views of the schemas analysts read, whose locks a migration may wait for. */
async function warehouseTables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('pancake', 'pancake_analytics') and c.relkind in ('r', 'p', 'v', 'm')`.execute(db);
  return rows.map((r) => r.name);
}
