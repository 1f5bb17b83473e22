import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** How often a running run renews heartbeat_at; a lease (LOCK_LEASE_MS) of silence marks it aborted. */
const HEARTBEAT_MS = 30_000;

/** Renews the run's heartbeat until the returned function is called. */
export function keepRunAlive(db: Kysely<Database>, runId: string): () => void {
  const timer = setInterval(() => {
    void db.updateTable('pancake.sync_runs').set({ heartbeat_at: sql<Date>`now()` }).where('id', '=', runId).where('status', '=', 'running').execute().catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}
