import type { Kysely } from 'kysely';
import { isSettled } from '../sync/page-sync.js';
import type { Database } from '../warehouse/schema.js';
import { liveWorkers, queueJobs, queuedPagesOf, queuedRuns, type LiveWorker, type PageCounts, type QueueJob } from '../warehouse/runs.js';
import { PAGE_TASK, pageIdOfQueue, runIdOfJobKey } from './queue.js';

// What the queue is doing, from graphile-worker's public `jobs` view, the live workers' sessions
// and the runs' own rows. graphile-worker deletes a job when it succeeds, so "done" comes from the
// sync_runs rows the tasks report into.

export interface QueuedTask {
  jobId: string;
  pageId: string | null;
  runId: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
}

export interface RunningTask extends QueuedTask {
  /** The worker's name, or its pool id when its session is gone (it is handed back shortly). */
  worker: string;
  startedAt: Date;
}

export interface RetryingTask extends QueuedTask {
  nextAttemptAt: Date;
}

export type FailedTask = QueuedTask;

export interface QueuedRunStatus {
  runId: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  tasks: number;
  done: number;
  failed: number;
  /** Not settled yet: waiting, running or retrying. */
  left: number;
}

export interface QueueStatus {
  /** False until a worker or `enqueue` has created the queue's tables. */
  installed: boolean;
  /** Never tried yet. */
  waiting: number;
  retrying: RetryingTask[];
  running: RunningTask[];
  /** Used every attempt; kept until deleted (see docs/workers.md). */
  failed: FailedTask[];
  /** Tasks done in the runs listed below. */
  done: number;
  workers: LiveWorker[];
  /** The latest queued runs, newest first. */
  runs: QueuedRunStatus[];
}

export async function queueStatus(db: Kysely<Database>, runsToShow = 10): Promise<QueueStatus> {
  const workers = await liveWorkers(db);
  const runs = (await queuedRuns(db, runsToShow)).map((run) => {
    const pages = queuedPagesOf(run.options);
    const counts = run.counts as Record<string, PageCounts | undefined>;
    const settled = pages.filter((id) => counts[id] !== undefined);
    const done = settled.filter((id) => pageDone(counts[id])).length;
    return { runId: String(run.id), status: run.status, startedAt: run.started_at, finishedAt: run.finished_at, tasks: pages.length, done, failed: settled.length - done, left: pages.length - settled.length };
  });
  const done = runs.reduce((n, r) => n + r.done, 0);
  const jobs = await queueJobs(db, PAGE_TASK);
  if (jobs === null) return { installed: false, waiting: 0, retrying: [], running: [], failed: [], done, workers, runs };

  const nameOf = new Map(workers.map((w) => [w.pool, w.name]));
  const base = (r: QueueJob): QueuedTask => ({ jobId: r.id, pageId: pageIdOfQueue(r.queue_name), runId: runIdOfJobKey(r.key), attempts: r.attempts, maxAttempts: r.max_attempts, lastError: r.last_error });
  const status: QueueStatus = { installed: true, waiting: 0, retrying: [], running: [], failed: [], done, workers, runs };
  for (const r of jobs) {
    if (r.locked_by !== null && r.locked_at !== null) status.running.push({ ...base(r), worker: nameOf.get(r.locked_by) ?? `${r.locked_by} (gone)`, startedAt: r.locked_at });
    else if (r.attempts >= r.max_attempts) status.failed.push(base(r));
    else if (r.attempts > 0) status.retrying.push({ ...base(r), nextAttemptAt: r.run_at });
    else status.waiting += 1;
  }
  return status;
}

/** A page whose every stream is done (or unavailable: nothing to copy). */
export function pageDone(page: PageCounts | undefined): boolean {
  return page !== undefined && Object.keys(page).length > 0 && Object.values(page).every((c) => isSettled(c.status));
}
