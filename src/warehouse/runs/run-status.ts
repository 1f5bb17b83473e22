// A run's status, and the one rule that decides how a run ended: the in-process runner
// (src/sync/runner.ts) and a queued run's last task (record-task-result.ts) both ask it.

/**
 * `running` until the run settles it; `aborted` when its process vanished without settling it
 * (mark-abandoned-runs.ts); otherwise what `runStatus` says.
 */
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted' | 'aborted';

/**
 * How a run ended: `interrupted` when SIGTERM/SIGINT stopped it; else `succeeded` without a
 * failure, `partial` when something failed and some stream of some page was done, `failed` when
 * nothing was.
 */
export function runStatus(run: { interrupted: boolean; failures: number; streamStatuses: Iterable<string> }): RunStatus {
  if (run.interrupted) return 'interrupted';
  if (run.failures === 0) return 'succeeded';
  for (const status of run.streamStatuses) if (status === 'done') return 'partial';
  return 'failed';
}
