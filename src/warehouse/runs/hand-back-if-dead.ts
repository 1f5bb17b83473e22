import { QUEUE_SCHEMA } from './queue-schema.js';
import { SESSION_ALIVE, type WorkerSession } from './worker-session.js';

/** A job handed back by `handBackIfDead`, as graphile-worker's `jobs` view showed it. */
export interface ReleasedJob {
  id: string;
  queueName: string | null;
  key: string | null;
  attempts: number;
  maxAttempts: number;
}

/**
 * Judges worker `poolId` in one transaction holding its row: null when it is alive, else its jobs,
 * handed back with graphile-worker's `force_unlock_workers`. A worker that registers meanwhile waits
 * for this transaction, then finds those jobs gone: a job is never handed back while its worker
 * works on it.
 */
export async function handBackIfDead(session: WorkerSession, poolId: string): Promise<ReleasedJob[] | null> {
  const schema = session.escapeIdentifier(QUEUE_SCHEMA);
  await session.query('begin');
  try {
    // A row for a worker that never registered says so; its registration then waits for this.
    await session.query(`insert into pancake_private.worker_sessions (pool_id, gone_at) values ($1, now()) on conflict do nothing`, [poolId]);
    const { rows: judged } = await session.query<{ alive: boolean }>(
      `select ${SESSION_ALIVE} as alive from pancake_private.worker_sessions w where w.pool_id = $1 for update`,
      [poolId],
    );
    if (judged[0]?.alive !== false) {
      await session.query('commit');
      return null;
    }
    const { rows: jobs } = await session.query<{ id: string; queue_name: string | null; key: string | null; attempts: number; max_attempts: number }>(
      `select id::text, queue_name, key, attempts, max_attempts from ${schema}.jobs where locked_by = $1`,
      [poolId],
    );
    await session.query(`select ${schema}.force_unlock_workers($1::text[])`, [[poolId]]);
    await session.query('commit');
    return jobs.map((j) => ({ id: j.id, queueName: j.queue_name, key: j.key, attempts: j.attempts, maxAttempts: j.max_attempts }));
  } catch (error) {
    await session.query('rollback').catch(() => undefined);
    throw error;
  }
}
