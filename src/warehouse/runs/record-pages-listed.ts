import type { Queryable } from '../table-spec.js';

/** Records how many pages the page list returned in this run. */
export async function recordPagesListed(db: Queryable, runId: string, count: number): Promise<void> {
  await db.updateTable('pancake.sync_runs').set({ pages_listed: count }).where('id', '=', runId).execute();
}
