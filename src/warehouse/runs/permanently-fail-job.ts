import { sql } from 'kysely';
import type { Queryable } from '../table-spec.js';
import { QUEUE_SCHEMA } from './queue-schema.js';

/** Marks a job failed for good with `message` as its last error, through graphile-worker's `permanently_fail_jobs`. */
export async function permanentlyFailJob(db: Queryable, jobId: string, message: string): Promise<void> {
  await sql`select 1 from ${sql.id(QUEUE_SCHEMA)}.permanently_fail_jobs(${[jobId]}::bigint[], ${message})`.execute(db);
}
