import { sql } from 'kysely';
import type { Queryable } from '../table-spec.js';
import { QUEUE_SCHEMA } from './queue-schema.js';

/** A job as graphile-worker's public `jobs` view shows it. */
export interface QueueJob {
  id: string;
  queue_name: string | null;
  key: string | null;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  locked_at: Date | null;
  locked_by: string | null;
  last_error: string | null;
}

/**
 * The jobs of one task (graphile-worker deletes a job when it succeeds, so these are the ones
 * waiting, running, retrying or failed for good), oldest first; null until a worker or `enqueue`
 * has created the queue's tables.
 */
export async function queueJobs(db: Queryable, taskIdentifier: string): Promise<QueueJob[] | null> {
  const { rows: installed } = await sql<{ ok: boolean }>`select to_regclass(${`${QUEUE_SCHEMA}.jobs`}) is not null as ok`.execute(db);
  if (!installed[0]?.ok) return null;
  const { rows } = await sql<QueueJob>`
    select id::text, queue_name, key, attempts, max_attempts, run_at, locked_at, locked_by, last_error
    from ${sql.id(QUEUE_SCHEMA, 'jobs')} where task_identifier = ${taskIdentifier} order by id`.execute(db);
  return rows;
}
