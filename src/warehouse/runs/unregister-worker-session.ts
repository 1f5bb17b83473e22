import type { WorkerSession } from './worker-session.js';

/** Forgets a worker that stops cleanly (it holds no job any more). */
export async function unregisterWorkerSession(session: WorkerSession, poolId: string): Promise<void> {
  await session.query('delete from pancake_private.worker_sessions where pool_id = $1', [poolId]);
}
