import { UserError } from '../../errors.js';
import { QUEUE_SCHEMA } from './queue-schema.js';
import type { WorkerSession } from './worker-session.js';

// The one place pancake-sync writes graphile-worker's private tables.
//
// graphile-worker 0.17 frees every job (and named queue) locked for over 4 hours, whether its worker
// is alive or not: each worker sweeps for them every few minutes, and the 4 hours are written into
// its code. A page's first backfill can take longer than that, and its queue would then run a
// second task of the page beside the first. graphile-worker's public API has nothing that renews a
// live job's lock: `force_unlock_workers` releases locks, `reschedule_jobs` and
// `permanently_fail_jobs` leave locked jobs alone, and its `resetLocked:*` events only report the
// sweeps (another worker's sweep cannot be stopped from here anyway). So a live worker sets
// locked_at of its own jobs and queues to now on every round, the columns the sweep reads.
//
// What this relies on is checked twice: test/integration/queue-private-tables.test.ts fails when
// the installed graphile-worker's tables or sweep differ from this, and a worker refuses to start
// when the queue's schema lacks these columns (checkJobLockColumns).

/** The private tables and the columns written here. */
export const JOB_LOCK_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  _private_jobs: ['locked_at', 'locked_by'],
  _private_job_queues: ['locked_at', 'locked_by'],
};

/** Keeps the locks of worker `poolId` younger than graphile-worker's 4-hour stale-lock sweep. */
export async function refreshJobLocks(session: WorkerSession, poolId: string, schema = QUEUE_SCHEMA): Promise<void> {
  for (const table of Object.keys(JOB_LOCK_COLUMNS)) {
    await session.query(`update ${session.escapeIdentifier(schema)}.${session.escapeIdentifier(table)} set locked_at = now() where locked_by = $1`, [poolId]);
  }
}

/** The queue's tables are not the ones this version of pancake-sync was written for. */
export class QueueSchemaMismatchError extends UserError {}

/** Throws QueueSchemaMismatchError, naming what is missing, unless every column refreshJobLocks writes exists. */
export async function checkJobLockColumns(session: WorkerSession, schema = QUEUE_SCHEMA): Promise<void> {
  const { rows } = await session.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns where table_schema = $1 and table_name = any($2::text[])`,
    [schema, Object.keys(JOB_LOCK_COLUMNS)],
  );
  const missing = Object.entries(JOB_LOCK_COLUMNS).flatMap(([table, columns]) =>
    columns.filter((column) => !rows.some((r) => r.table_name === table && r.column_name === column)).map((column) => `${schema}.${table}.${column}`),
  );
  if (missing.length > 0) {
    throw new QueueSchemaMismatchError(
      `the job queue's tables are not the ones this pancake-sync was written for (missing ${missing.join(', ')}): ` +
        'install the graphile-worker version its package-lock.json names (npm ci), or a pancake-sync release made for the installed one',
    );
  }
}
