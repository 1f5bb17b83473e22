import { sql } from 'kysely';
import type { Queryable } from '../table-spec.js';
import type { PageHealth } from './record.js';

/** Merges one page's health into its run (a queue worker's task). */
export async function recordPageHealth(db: Queryable, runId: string, pageId: string, health: PageHealth): Promise<void> {
  await db
    .updateTable('pancake.sync_runs')
    .set({ page_health: sql`page_health || ${JSON.stringify({ [pageId]: health })}::jsonb` })
    .where('id', '=', runId)
    .execute();
}
