import { LIVENESS_APP, type WorkerSession } from './worker-session.js';

/**
 * Registers `session` as the one worker `poolId` lives on, named for `queue-status`. Waits for a
 * reaper that is judging this worker right now (hand-back-if-dead.ts holds its row meanwhile).
 */
export async function registerWorkerSession(session: WorkerSession, poolId: string, name: string): Promise<void> {
  // application_name is at most 63 bytes: the pool id first, so that only the name is cut.
  await session.query(`select set_config('application_name', $1, false)`, [`${LIVENESS_APP} ${poolId} ${name}`.slice(0, 63)]);
  // The server drops this session (and so the worker counts as dead) about a minute after its machine vanishes,
  // instead of the operating system's default of two hours or more.
  for (const [setting, value] of [['tcp_keepalives_idle', '30'], ['tcp_keepalives_interval', '10'], ['tcp_keepalives_count', '3']]) {
    await session.query('select set_config($1, $2, false)', [setting, value]).catch(() => undefined);
  }
  // Only pancake-sync's own sessions lock what this session waits for, briefly; never forever.
  await session.query(`select set_config('lock_timeout', '10s', false)`);
  await session.query(
    `insert into pancake_private.worker_sessions as w (pool_id, name, backend_pid, backend_start, role_oid)
     select $1, $2, pid, backend_start, usesysid from pg_stat_activity where pid = pg_backend_pid()
     on conflict (pool_id) do update
       set name = excluded.name, backend_pid = excluded.backend_pid, backend_start = excluded.backend_start,
           role_oid = excluded.role_oid, registered_at = now(), gone_at = null`,
    [poolId, name],
  );
}
