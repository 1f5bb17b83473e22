import { sql, type Kysely } from 'kysely';
import type { Database } from '../warehouse/schema.js';
import { LIVENESS_APP } from './liveness.js';
import { PAGE_TASK, QUEUE_SCHEMA, pageIdOfQueue, runIdOfJobKey } from './queue.js';
import { pageDone, queuedPagesOf } from './run-log.js';

// What the queue is doing, from graphile-worker's public `jobs` view, the live workers' sessions
// and the runs' own rows. graphile-worker deletes a job when it succeeds, so "done" comes from the
// sync_runs rows the tasks report into.

export interface LiveWorker {
  name: string;
  /** graphile-worker's pool id: what `locked_by` holds. */
  pool: string;
  since: Date;
}

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

interface JobRow {
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

export async function queueStatus(db: Kysely<Database>, runsToShow = 10): Promise<QueueStatus> {
  const workers = await liveWorkers(db);
  const runs = await queuedRuns(db, runsToShow);
  const done = runs.reduce((n, r) => n + r.done, 0);
  const { rows: installed } = await sql<{ ok: boolean }>`select to_regclass(${`${QUEUE_SCHEMA}.jobs`}) is not null as ok`.execute(db);
  if (!installed[0]?.ok) return { installed: false, waiting: 0, retrying: [], running: [], failed: [], done, workers, runs };

  const { rows } = await sql<JobRow>`
    select id::text, queue_name, key, attempts, max_attempts, run_at, locked_at, locked_by, last_error
    from ${sql.id(QUEUE_SCHEMA, 'jobs')} where task_identifier = ${PAGE_TASK} order by id`.execute(db);
  const nameOf = new Map(workers.map((w) => [w.pool, w.name]));
  const base = (r: JobRow): QueuedTask => ({ jobId: r.id, pageId: pageIdOfQueue(r.queue_name), runId: runIdOfJobKey(r.key), attempts: r.attempts, maxAttempts: r.max_attempts, lastError: r.last_error });
  const status: QueueStatus = { installed: true, waiting: 0, retrying: [], running: [], failed: [], done, workers, runs };
  for (const r of rows) {
    if (r.locked_by !== null && r.locked_at !== null) status.running.push({ ...base(r), worker: nameOf.get(r.locked_by) ?? `${r.locked_by} (gone)`, startedAt: r.locked_at });
    else if (r.attempts >= r.max_attempts) status.failed.push(base(r));
    else if (r.attempts > 0) status.retrying.push({ ...base(r), nextAttemptAt: r.run_at });
    else status.waiting += 1;
  }
  return status;
}

/**
 * Workers whose registered liveness session is open (see liveness.ts), named by its
 * application_name: a session of another login that only calls itself a worker is not one.
 */
async function liveWorkers(db: Kysely<Database>): Promise<LiveWorker[]> {
  const { rows } = await sql<{ application_name: string; backend_start: Date }>`
    select a.application_name, a.backend_start
    from pancake_private.worker_sessions w
    join pg_stat_activity a on a.pid = w.backend_pid and a.usesysid = w.role_oid and (a.backend_start is null or a.backend_start = w.backend_start)
    where a.datname = current_database() and a.application_name like ${`${LIVENESS_APP} pool-%`} order by a.backend_start`.execute(db);
  return rows.map((r) => {
    const [, pool = '', ...name] = r.application_name.split(' ');
    return { name: name.join(' ') || pool, pool, since: r.backend_start };
  });
}

async function queuedRuns(db: Kysely<Database>, limit: number): Promise<QueuedRunStatus[]> {
  const runs = await db
    .selectFrom('pancake.sync_runs')
    .select(['id', 'status', 'started_at', 'finished_at', 'options', 'counts'])
    .where(sql<boolean>`options->>'mode' = 'queue'`)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return runs.map((run) => {
    const pages = queuedPagesOf(run.options);
    const counts = run.counts as Record<string, Parameters<typeof pageDone>[0]>;
    const settled = pages.filter((id) => counts[id] !== undefined);
    const done = settled.filter((id) => pageDone(counts[id])).length;
    return { runId: String(run.id), status: run.status, startedAt: run.started_at, finishedAt: run.finished_at, tasks: pages.length, done, failed: settled.length - done, left: pages.length - settled.length };
  });
}
