import { QUEUE_SCHEMA } from './queue-schema.js';
import { SESSION_ALIVE, type WorkerSession } from './worker-session.js';

/**
 * How old a job's lock must be before its worker can be judged dead. A worker registers
 * milliseconds after its pool starts fetching; judging it earlier would only cost that job an
 * attempt (the task checks it still owns its job), so this is about waste, not safety.
 */
const STARTUP_GRACE_SECONDS = 2;

/**
 * The other workers holding jobs whose registered session is not connected (or who never
 * registered), in one look at all of them: only these are judged again, each holding its row
 * (hand-back-if-dead.ts).
 */
export async function workersThatLookDead(session: WorkerSession, ownPoolId: string | null): Promise<string[]> {
  const { rows } = await session.query<{ locked_by: string }>(
    `select distinct locked_by from ${session.escapeIdentifier(QUEUE_SCHEMA)}.jobs where locked_by is not null and locked_at < now() - make_interval(secs => $1)`,
    [STARTUP_GRACE_SECONDS],
  );
  const others = rows.map((r) => r.locked_by).filter((id) => id !== ownPoolId);
  if (others.length === 0) return [];
  const { rows: looked } = await session.query<{ pool_id: string; alive: boolean }>(
    `select id as pool_id, coalesce(${SESSION_ALIVE}, false) as alive from unnest($1::text[]) id left join pancake_private.worker_sessions w on w.pool_id = id`,
    [others],
  );
  return looked.filter((l) => !l.alive).map((l) => l.pool_id);
}
