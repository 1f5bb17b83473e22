import { sql } from 'kysely';
import { redactValue } from '../../redact.js';
import { processHost, processStart } from '../process-identity.js';
import type { Queryable } from '../table-spec.js';

/** Starts a run's row, `running`, stamped with this process (host, pid, start) and a first heartbeat; returns its id. */
export async function startRun(db: Queryable, options: unknown): Promise<string> {
  const row = await db
    .insertInto('pancake.sync_runs')
    .values({ status: 'running', options: JSON.stringify(redactValue(options)), counts: '{}', errors: '[]', requests: 0, host: processHost(), pid: process.pid, process_start: processStart(), finished_at: null, heartbeat_at: sql<Date>`now()` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}
