import type { Kysely, Selectable } from 'kysely';
import type { Database, SyncRunsTable } from '../schema.js';

/** The latest runs, newest first (for status). */
export async function recentRuns(db: Kysely<Database>, limit: number): Promise<Array<Selectable<SyncRunsTable>>> {
  return db.selectFrom('pancake.sync_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
