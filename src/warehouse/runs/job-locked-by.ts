import { QUEUE_SCHEMA } from './queue-schema.js';
import type { WorkerSession } from './worker-session.js';

/** The pool id of the worker that holds job `jobId` (graphile-worker's `jobs` view); null when none does. */
export async function jobLockedBy(session: WorkerSession, jobId: string): Promise<string | null> {
  const { rows } = await session.query<{ locked_by: string | null }>(`select locked_by from ${session.escapeIdentifier(QUEUE_SCHEMA)}.jobs where id = $1`, [jobId]);
  return rows[0]?.locked_by ?? null;
}
