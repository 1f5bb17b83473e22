import { sql, type Kysely, type RawBuilder } from 'kysely';
import { redactValue } from '../../redact.js';
import type { Database } from '../schema.js';
import { queuedPagesOf, streamsOf, type PageCounts, type RunFailure } from './record.js';
import { runStatus, type RunStatus } from './run-status.js';

// A queued run keeps the one sync_runs row `enqueue` started, so `status` and BI read it like an
// in-process run. Its options list the pages that got a task (`queuedPages`); each task merges its
// page's counts in when it is settled (done, or failed for the last time), and the task that
// settles the last page closes the run. Attempts that will be retried only add their requests:
// the queue keeps their error (queue-status shows it).

export interface TaskResult {
  pageId: string;
  /** The page's stream results; empty when the task never got to its streams. */
  page: PageCounts;
  failures: RunFailure[];
  /** API requests this attempt made for the page. */
  requests: number;
  /** True when no retry follows: the task succeeded or used its last attempt. */
  settled: boolean;
}

/** Merges one attempt into its run; returns the run's status once every page is settled, else null. */
export async function recordTaskResult(db: Kysely<Database>, runId: string, result: TaskResult): Promise<RunStatus | null> {
  return db.transaction().execute(async (trx) => {
    // FOR UPDATE: tasks of one run finish on many workers at once; each merge sees the last one's.
    const run = await trx.selectFrom('pancake.sync_runs').select(['options', 'counts', 'errors', 'finished_at']).where('id', '=', runId).forUpdate().executeTakeFirst();
    if (!run) return null; // the run row was deleted by hand: the data is written, nothing to report into
    const update: { counts?: string; errors?: string; status?: RunStatus; finished_at?: RawBuilder<Date> } = {};
    let status: RunStatus | null = null;
    if (result.settled) {
      const counts = { ...(run.counts as Record<string, PageCounts>) };
      const page = { ...result.page };
      // A task that never got to its streams (its worker died on the last attempt) failed them all.
      if (Object.keys(page).length === 0) for (const stream of streamsOf(run.options)) page[stream] = { records: 0, rowsWritten: 0, unitsDone: 0, status: 'failed' };
      counts[result.pageId] = page;
      const errors = [...(run.errors as RunFailure[]), ...result.failures];
      const queued = queuedPagesOf(run.options);
      if (run.finished_at === null && queued.every((id) => counts[id] !== undefined)) {
        status = runStatus({ interrupted: false, failures: errors.length, streamStatuses: Object.values(counts).flatMap((p) => Object.values(p).map((c) => c.status)) });
      }
      Object.assign(update, {
        counts: JSON.stringify(redactValue(counts)),
        errors: JSON.stringify(redactValue(errors)),
        // The server's clock (a worker's may be behind it), never before the start it stamped.
        ...(status !== null && { status, finished_at: sql<Date>`greatest(now(), started_at)` }),
      });
    }
    await trx
      .updateTable('pancake.sync_runs')
      .set((eb) => ({ ...update, requests: eb('requests', '+', result.requests) }))
      .where('id', '=', runId)
      .execute();
    return status;
  });
}
