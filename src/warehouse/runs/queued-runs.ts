import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, SyncRunsTable } from '../schema.js';

/** The latest queued runs (`enqueue`), newest first. */
export async function queuedRuns(db: Kysely<Database>, limit: number): Promise<Array<Pick<Selectable<SyncRunsTable>, 'id' | 'status' | 'started_at' | 'finished_at' | 'options' | 'counts'>>> {
  return db
    .selectFrom('pancake.sync_runs')
    .select(['id', 'status', 'started_at', 'finished_at', 'options', 'counts'])
    .where(sql<boolean>`options->>'mode' = 'queue'`)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
