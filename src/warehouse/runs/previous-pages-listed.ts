import type { Queryable } from '../table-spec.js';

/** How many pages the page list returned in the latest earlier run that listed them; null if none did. */
export async function previousPagesListed(db: Queryable, beforeRunId: string | null): Promise<number | null> {
  let query = db.selectFrom('pancake.sync_runs').select('pages_listed').where('pages_listed', 'is not', null).orderBy('id', 'desc').limit(1);
  if (beforeRunId !== null) query = query.where('id', '<', beforeRunId);
  return (await query.executeTakeFirst())?.pages_listed ?? null;
}
