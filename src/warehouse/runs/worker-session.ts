import type pg from 'pg';

// A queue worker lives on one Postgres session of its own, registered in
// pancake_private.worker_sessions (server pid, when the session began, its role); the worker is
// alive exactly as long as that session is (src/queue/liveness.ts says why). The operations on that
// table take the session's own client: the session is the worker's identity.

/** The session a worker lives on: any pg client (a single connection, never a pool). */
export type WorkerSession = pg.ClientBase;

/** Prefix of the liveness session's application_name, which `queue-status` reads to name workers. */
export const LIVENESS_APP = 'pancake-sync';

/** Whether the registered session of worker row `w` is still connected. */
export const SESSION_ALIVE = `(w.backend_pid is not null and exists (
  select from pg_stat_activity a
  where a.pid = w.backend_pid and a.usesysid = w.role_oid and (a.backend_start is null or a.backend_start = w.backend_start)))`;
