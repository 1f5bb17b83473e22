import { sql } from 'kysely';
import type { Queryable } from '../table-spec.js';
import { LIVENESS_APP } from './worker-session.js';

export interface LiveWorker {
  name: string;
  /** graphile-worker's pool id: what `locked_by` holds. */
  pool: string;
  since: Date;
}

/**
 * Workers whose registered liveness session is open (src/queue/liveness.ts), named by its
 * application_name: a session of another login that only calls itself a worker is not one.
 */
export async function liveWorkers(db: Queryable): Promise<LiveWorker[]> {
  const { rows } = await sql<{ application_name: string; backend_start: Date }>`
    select a.application_name, a.backend_start
    from pancake_private.worker_sessions w
    join pg_stat_activity a on a.pid = w.backend_pid and a.usesysid = w.role_oid and (a.backend_start is null or a.backend_start = w.backend_start)
    where a.datname = current_database() and a.application_name like ${`${LIVENESS_APP} pool-%`} order by a.backend_start`.execute(db);
  return rows.map((r) => {
    const [, pool = '', ...name] = r.application_name.split(' ');
    return { name: name.join(' ') || pool, pool, since: r.backend_start };
  });
}
