import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { UserError } from '../errors.js';
import { isPrivilegeError, privilegeAdvice } from './privileges.js';
import { applyReaderRole } from './reader-role.js';
import type { Database } from './schema.js';

export const MIGRATION_SCHEMA = 'pancake';

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
  const infos = await migrator(db).getMigrations();
  const known = new Set(infos.map((m) => m.name));
  const applied = await appliedMigrationNames(db);
  return {
    applied: applied.filter((name) => known.has(name)),
    pending: infos.filter((m) => !m.executedAt).map((m) => m.name),
    unknown: applied.filter((name) => !known.has(name)),
  };
}

async function appliedMigrationNames(db: Kysely<Database>): Promise<string[]> {
  const exists = await db
    .selectFrom('information_schema.tables' as never)
    .select('table_name' as never)
    .where('table_schema' as never, '=', MIGRATION_SCHEMA as never)
    .where('table_name' as never, '=', 'kysely_migration' as never)
    .execute();
  if (exists.length === 0) return [];
  const rows = await (db as unknown as Kysely<{ 'pancake.kysely_migration': { name: string } }>)
    .selectFrom('pancake.kysely_migration')
    .select('name')
    .orderBy('name')
    .execute();
  return rows.map((row) => row.name);
}

/**
 * Brings the schema to the latest version. Each migration runs in a transaction under kysely's
 * advisory lock, so two processes starting together apply it once. Refuses a schema that is newer
 * than this code.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<{ applied: string[] }> {
  const status = await schemaStatus(db);
  if (status.unknown.length > 0) throw new SchemaTooNewError(status.unknown);
  if (status.pending.length === 0) return { applied: [] };
  const { error, results } = await migrator(db).migrateToLatest();
  if (error && isPrivilegeError(error)) throw await privilegeAdvice(db, error);
  if (error) {
    const failed = results?.find((r: MigrationResultSet['results'] extends (infer R)[] | undefined ? R : never) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // Whoever applied them owns the new tables: only they can give the reader role access.
  await applyReaderRole(db);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
