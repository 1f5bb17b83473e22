import { sql, type Kysely } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { schemaStatus, SchemaTooNewError } from './migrate.js';
import { isPrivilegeError, privilegeAdvice } from './privileges.js';
import type { Database } from './schema.js';

// `sync --dry-run` writes nothing, not even the migrations `sync` would apply first. It plans inside
// one transaction that is always rolled back: on an up-to-date schema a read-only one; on an empty
// or older schema the pending migrations are applied inside it, so the plan reads the schema this
// version expects (an empty state, on an empty database), and then vanish with it.

class RolledBack<T> {
  constructor(readonly value: T) {}
}

/** Runs `plan` against the warehouse as this version sees it, leaving the database untouched. */
export async function withoutWriting<T>(db: Kysely<Database>, plan: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const status = await schemaStatus(db);
  if (status.unknown.length > 0) throw new SchemaTooNewError(status.unknown);
  const builder = status.pending.length === 0 ? db.transaction().setAccessMode('read only') : db.transaction();
  try {
    await builder.execute(async (trx) => {
      if (status.pending.length > 0) {
        // Creating tables waits for locks other sessions hold; a dry run must not queue a live sync behind it.
        await sql`set local lock_timeout = '5s'`.execute(trx);
        for (const name of status.pending) await migrations[name]?.up(trx);
      }
      throw new RolledBack(await plan(trx));
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.value as T;
    if (isPrivilegeError(error)) throw await privilegeAdvice(db, error);
    throw error;
  }
  throw new Error('unreachable: the planning transaction always rolls back');
}
