// The run log, in one room. pancake.sync_runs holds one row per run, `running` until the run settles
// it. A run row never stays `running` after its process is gone: the process renews heartbeat_at
// while it runs, and the next run (or `status`) marks a silent one `aborted`. A queued run's row is
// settled by its tasks, which graphile-worker runs (src/queue/); the queue's jobs and workers are
// read and handed back here too. Every SQL statement of runs, queue status, workers and lost tasks is
// in runs/, one operation per file; this file only lists them.

export { type PageCounts, type PageHealth, type RunFailure, type RunWarning, type StreamResult, queuedPagesOf, streamsOf } from './runs/record.js';
export { runStatus, type RunStatus } from './runs/run-status.js';

// Runs.
export { startRun } from './runs/start-run.js';
export { keepRunAlive } from './runs/keep-run-alive.js';
export { finishRun, type RunOutcome } from './runs/finish-run.js';
export { markAbandonedRuns } from './runs/mark-abandoned-runs.js';
export { recordPagesListed } from './runs/record-pages-listed.js';
export { previousPagesListed } from './runs/previous-pages-listed.js';
export { previousStreamResults } from './runs/previous-stream-results.js';
export { recentRuns } from './runs/recent-runs.js';
export { lastUserTokenReport } from './runs/last-user-token-report.js';
export { recordPageHealth } from './runs/record-page-health.js';

// Queued runs and their jobs (graphile-worker's public view and functions).
export { QUEUE_SCHEMA } from './runs/queue-schema.js';
export { startQueuedRun, type JobSpec, type QueuedRunStart } from './runs/start-queued-run.js';
export { recordTaskResult, type TaskResult } from './runs/record-task-result.js';
export { queuedRuns } from './runs/queued-runs.js';
export { queueJobs, type QueueJob } from './runs/queue-jobs.js';
export { permanentlyFailJob } from './runs/permanently-fail-job.js';

// The workers' sessions: who is alive, and handing back the jobs of those who are not.
export { LIVENESS_APP, type WorkerSession } from './runs/worker-session.js';
export { registerWorkerSession } from './runs/register-worker-session.js';
export { unregisterWorkerSession } from './runs/unregister-worker-session.js';
export { liveWorkers, type LiveWorker } from './runs/live-workers.js';
export { jobLockedBy } from './runs/job-locked-by.js';
export { workersThatLookDead } from './runs/workers-that-look-dead.js';
export { handBackIfDead, type ReleasedJob } from './runs/hand-back-if-dead.js';
export { forgetGoneWorkers } from './runs/forget-gone-workers.js';
export { checkJobLockColumns, QueueSchemaMismatchError, refreshJobLocks } from './runs/refresh-job-locks.js';
