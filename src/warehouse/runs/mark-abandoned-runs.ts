import { sql, type Kysely } from 'kysely';
import { LOCK_LEASE_MS } from '../locks.js';
import { isGoneHereSoon } from '../process-identity.js';
import type { Database } from '../schema.js';

/**
 * Marks `aborted` the runs still `running` whose process is gone: known dead on this host, or
 * silent (no heartbeat) for longer than a lease. Queued runs are settled by their workers, not here.
 * Returns the ids marked.
 */
export async function markAbandonedRuns(db: Kysely<Database>): Promise<string[]> {
  const running = await db
    .selectFrom('pancake.sync_runs')
    .select(['id', 'host', 'pid', 'process_start', 'heartbeat_at', 'started_at', sql<boolean>`coalesce(heartbeat_at, started_at) < now() - make_interval(secs => ${LOCK_LEASE_MS / 1000})`.as('silent')])
    .where('status', '=', 'running')
    .where(sql<boolean>`coalesce(options->>'mode', '') <> 'queue'`)
    .execute();
  const abandoned: string[] = [];
  for (const run of running) if (run.silent || (await isGoneHereSoon(run.host, run.pid, run.process_start))) abandoned.push(String(run.id));
  if (abandoned.length === 0) return [];
  await db
    .updateTable('pancake.sync_runs')
    // Its last sign of life, never before its start (the first heartbeat may be stamped earlier).
    .set({ status: 'aborted', finished_at: sql`greatest(coalesce(heartbeat_at, started_at), started_at)` })
    .where('id', 'in', abandoned)
    .where('status', '=', 'running')
    .execute();
  return abandoned;
}
