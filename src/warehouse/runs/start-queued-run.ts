import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { QUEUE_SCHEMA } from './queue-schema.js';
import type { RunFailure } from './record.js';
import { startRun } from './start-run.js';

/** One job as graphile-worker's `add_jobs` takes it (its `job_spec` type). */
export interface JobSpec {
  identifier: string;
  payload: unknown;
  queue_name: string;
  max_attempts: number;
  job_key: string;
}

export interface QueuedRunStart {
  /** The run's options (sync_runs.options), `mode: 'queue'` and its `queuedPages` included. */
  options: unknown;
  /** Failures known before any task runs (missing pages, a refused user token). */
  failures: RunFailure[];
  /** Requests made to list the pages: part of the run's cost. */
  requests: number;
  pagesListed: number | null;
  /** PANCAKE_ACCESS_TOKEN as the page list found it; null when the run has none. */
  userToken: { expiresAt: Date | null; state: string } | null;
}

/**
 * Starts a queued run: its sync_runs row and its jobs (`jobsFor` gets the run's id) in one
 * transaction, with graphile-worker's own `add_jobs` SQL function, so a run never exists without
 * its tasks (or tasks without their run). Returns the run's id.
 */
export async function startQueuedRun(db: Kysely<Database>, run: QueuedRunStart, jobsFor: (runId: string) => JobSpec[]): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const id = await startRun(trx, run.options);
    const userToken = run.userToken ? { user_token_expires_at: run.userToken.expiresAt, user_token_state: run.userToken.state } : {};
    await trx.updateTable('pancake.sync_runs').set({ errors: JSON.stringify(run.failures), requests: run.requests, pages_listed: run.pagesListed, ...userToken }).where('id', '=', id).execute();
    const specs = jobsFor(id);
    if (specs.length > 0) {
      await sql`select 1 from ${sql.id(QUEUE_SCHEMA)}.add_jobs(array(select json_populate_recordset(null::${sql.id(QUEUE_SCHEMA)}.job_spec, ${JSON.stringify(specs)}::json)))`.execute(trx);
    }
    return id;
  });
}
