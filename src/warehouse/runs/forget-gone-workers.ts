import { QUEUE_SCHEMA } from './queue-schema.js';
import { SESSION_ALIVE, type WorkerSession } from './worker-session.js';

/** A row left for a worker found dead before it registered is forgotten after this long. */
const UNREGISTERED_ROW_HOURS = 1;

/** Deletes the rows of workers that are gone and hold nothing any more. */
export async function forgetGoneWorkers(session: WorkerSession): Promise<void> {
  await session.query(
    `delete from pancake_private.worker_sessions w
     where not ${SESSION_ALIVE} and not exists (select from ${session.escapeIdentifier(QUEUE_SCHEMA)}.jobs j where j.locked_by = w.pool_id)
       and (w.backend_pid is not null or w.gone_at < now() - make_interval(hours => $1))`,
    [UNREGISTERED_ROW_HOURS],
  );
}
