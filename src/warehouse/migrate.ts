import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { ensureAnalyticsViews } from '../../migrations/parts/analytics-views.js';
import { UserError } from '../errors.js';
import { refreshPendingAnalytics } from './analytics/refresh.js';
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
 * them. Under an advisory lock: two processes upgrading together must not both move (or create).
 * If both places hold a log (an older version ran after the move), the two are merged.
 */
async function moveBookkeeping(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('pancake-sync:migration-bookkeeping'))`.execute(trx);
    await sql`create schema if not exists ${sql.id(MIGRATION_SCHEMA)}`.execute(trx);
    for (const table of ['kysely_migration', 'kysely_migration_lock']) {
      const { rows } = await sql<{ legacy: string | null; moved: string | null }>`
        select to_regclass(${`${LEGACY_MIGRATION_SCHEMA}.${table}`})::text as legacy, to_regclass(${`${MIGRATION_SCHEMA}.${table}`})::text as moved`.execute(trx);
      if (!rows[0]?.legacy) continue;
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
}

/**
 * Brings the schema to the latest version. Each migration runs in a transaction under kysely's
 * advisory lock, so two processes starting together apply it once. Refuses a schema that is newer
 * than this code. Then the analytics views, which are not versioned: recreated when their
 * definitions changed (migrations/parts/analytics-views.ts).
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<{ applied: string[] }> {
  const status = await schemaStatus(db);
  if (status.unknown.length > 0) throw new SchemaTooNewError(status.unknown);
  if (status.pending.length === 0) {
    if (await ensureAnalyticsViews(db)) await applyReaderRole(db);
    return { applied: [] };
  }
  await moveBookkeeping(db).catch(async (error: unknown) => {
    throw isPrivilegeError(error) ? await privilegeAdvice(db, error) : error;
  });
  const { error, results } = await migrator(db).migrateToLatest();
  if (error && isPrivilegeError(error)) throw await privilegeAdvice(db, error);
  if (error) {
    const failed = results?.find((r: MigrationResultSet['results'] extends (infer R)[] | undefined ? R : never) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  await ensureAnalyticsViews(db);
  // Whoever applied them owns the new tables: only they can give the reader role access.
  await applyReaderRole(db);
  // A migration that changed the analytics summaries queued their rebuild: done now, so that the
  // views are complete before the next sync. A failure leaves it queued for that sync.
  await refreshPendingAnalytics(db).catch((error: unknown) => {
    throw new Error(`The migrations are applied, but summarizing the stored history for the analytics views failed (${error instanceof Error ? error.message : String(error)}); the next sync tries again.`, { cause: error });
  });
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
