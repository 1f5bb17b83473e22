import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * How each (page, stream) ended in the latest earlier run that included it, for the pairs given
 * (keys `page\u0000stream`). Looks back over the last 50 runs.
 */
export async function previousStreamResults(db: Kysely<Database>, beforeRunId: string, pairs: ReadonlyArray<{ pageId: string; stream: string }>): Promise<Map<string, string>> {
  const runs = await db.selectFrom('pancake.sync_runs').select('counts').where('id', '<', beforeRunId).orderBy('id', 'desc').limit(50).execute();
  const found = new Map<string, string>();
  for (const { pageId, stream } of pairs) {
    for (const run of runs) {
      const status = (run.counts as Record<string, Record<string, { status?: unknown }> | undefined> | null)?.[pageId]?.[stream]?.status;
      if (typeof status === 'string') {
        found.set(`${pageId}\u0000${stream}`, status);
        break;
      }
    }
  }
  return found;
}
