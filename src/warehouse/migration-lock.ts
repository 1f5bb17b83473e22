import { PostgresAdapter, sql, type Kysely, type MigrationLockOptions } from 'kysely';
import { describeSessions } from './lock-wait.js';

// The lock that keeps two processes from migrating one warehouse at once. kysely's own (an advisory
// lock on a constant key) can be taken by any login that reads kysely's source, and then every
// `migrate`, and the first `sync` of a new warehouse, waits for it for an hour. Ours is kysely's
// lock row (pancake_private.kysely_migration_lock, which the Migrator creates before it locks):
// the holder writes its server process id into `is_locked`, which only the owner can do, and the
// lock is free again when that process is gone from pg_stat_activity (a crashed migrator). An
// attempt never waits: the caller tries again, with a bound and a log line (migrate.ts).

/** The migrations' own table locks wait at most this long (a BI query holding a table they alter). */
export const MIGRATION_STATEMENT_LOCK_TIMEOUT = '60s';

/** Another process holds the migration lock: its server process, for the caller's message. */
export class MigrationLockHeld extends Error {
  constructor(readonly holderPid: number | null) {
    super(`another process is migrating this warehouse (server process ${holderPid ?? 'unknown'})`);
    this.name = 'MigrationLockHeld';
  }
}

export class OwnerOnlyMigrationAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    const table = sql.table(`${options.lockTableSchema ?? 'public'}.${options.lockTable}`);
    const { rows } = await sql<{ id: string }>`
      update ${table} set is_locked = pg_backend_pid()
      where id = ${options.lockRowId}
        and (is_locked in (0, pg_backend_pid()) or not exists (select from pg_stat_activity where pid = is_locked))
      returning id`.execute(db);
    if (rows.length === 0) {
      const { rows: held } = await sql<{ pid: number }>`select is_locked as pid from ${table} where id = ${options.lockRowId}`.execute(db);
      throw new MigrationLockHeld(held[0]?.pid ?? null);
    }
    // For the migrations that follow on this session: a table lock they wait for has a bound too.
    await sql`select set_config('lock_timeout', ${MIGRATION_STATEMENT_LOCK_TIMEOUT}, false)`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    const table = sql.table(`${options.lockTableSchema ?? 'public'}.${options.lockTable}`);
    await sql`reset lock_timeout`.execute(db);
    await sql`update ${table} set is_locked = 0 where id = ${options.lockRowId} and is_locked = pg_backend_pid()`.execute(db);
  }
}

/** Whether `db` takes the owner-only migration lock (created by createDb). */
export function hasOwnerOnlyMigrationLock<DB>(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof OwnerOnlyMigrationAdapter;
}

/** The holder of the migration lock in words, for the wait's log line. */
export async function describeMigrationHolder<DB>(db: Kysely<DB>, pid: number | null): Promise<string | null> {
  return pid === null ? null : ((await describeSessions(db, [pid])) ?? `server process ${pid}`);
}
