import type { Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import type { Database } from '../warehouse/schema.js';
import { permanentlyFailJob, recordTaskResult, type ReleasedJob } from '../warehouse/runs.js';
import { pageIdOfQueue, runIdOfJobKey } from './queue.js';

/**
 * A task whose worker died during its last attempt gets no retry, and no task code is left to
 * report it. Here it is reported like any task that used up its attempts: graphile-worker's
 * `permanently_fail_jobs` gives it an error a person can read, and its run counts the page failed
 * (which also lets the run finish). A task with attempts left just runs again.
 */
export async function settleLostTasks(db: Kysely<Database>, released: readonly ReleasedJob[], log: Logger): Promise<void> {
  for (const job of released) {
    if (job.attempts < job.maxAttempts) continue;
    const pageId = pageIdOfQueue(job.queueName);
    const runId = runIdOfJobKey(job.key);
    const message = `the worker running this task died during its last attempt (${job.attempts} of ${job.maxAttempts})`;
    await permanentlyFailJob(db, job.id, message);
    if (pageId === null || runId === null) continue; // not one of ours
    await recordTaskResult(db, runId, { pageId, page: {}, failures: [{ pageId, stream: null, kind: 'worker_lost', message }], requests: 0, settled: true });
    log.error({ pageId, runId, jobId: job.id }, `page ${pageId} of run ${runId}: ${message}; reported as failed`);
  }
}
