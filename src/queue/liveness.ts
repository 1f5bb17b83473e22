import pg from 'pg';
import type { Logger } from '../logger.js';
import {
  checkJobLockColumns,
  forgetGoneWorkers,
  handBackIfDead,
  jobLockedBy,
  refreshJobLocks,
  registerWorkerSession,
  unregisterWorkerSession,
  workersThatLookDead,
  type ReleasedJob,
} from '../warehouse/runs.js';

// graphile-worker 0.17 frees the jobs of a crashed worker only after 4 hours (hard-coded in its
// stale-lock sweep), and leaves earlier release to `force_unlock_workers(ids)`, "only if the
// workers in question are no longer running". This file is how we know that, without a lease to
// tune: every worker registers the Postgres session it lives on (its server pid, when that session
// began, its role) in pancake_private.worker_sessions, which only the owner can write, and keeps
// that session open for as long as it lives. A process that dies loses the session; a worker whose
// registered session is no longer in pg_stat_activity is dead, and its jobs are handed back at
// once. Nothing another login does changes that: it cannot write the table, and a session of its
// own is never the registered one (another pid, another role, another start). An advisory lock
// named after the worker did this before; any login could take it once the worker died, from the
// pool id in pg_stat_activity, and keep the worker's tasks locked for hours.
//
// A task starts only after its worker has registered and has checked that the job is still its
// own; the reaper judges a worker and hands its jobs back in one transaction holding the worker's
// row (an unregistered worker gets a row that says so), so a worker that registers meanwhile waits
// for that transaction and then finds those jobs gone: a job is never handed back while its worker
// works on it.
//
// The same 0.17 sweep also unlocks a job locked for over 4 hours *while its worker is alive*, and a
// page's first backfill can take longer than that; so a live worker refreshes its own locks on
// every round (refresh-job-locks.ts in src/warehouse/runs/ says why that cannot go through
// graphile-worker's public API). Every statement is in src/warehouse/runs/, one file each.

export interface Liveness {
  /** Registers this worker's session under its pool id; tasks wait for it (see `ready`). */
  claim(poolId: string): Promise<void>;
  /** Resolves once the worker is registered. */
  readonly ready: Promise<void>;
  /** Whether `jobId` is still locked by this worker (it was not handed back before `claim`). */
  ownsJob(jobId: string): Promise<boolean>;
  /** Hands back the jobs of dead workers; returns them. */
  reapDeadWorkers(): Promise<ReleasedJob[]>;
  /** Keeps this worker's locks younger than graphile-worker's 4-hour stale-lock sweep. */
  heartbeat(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the liveness session. `onLost` runs if the connection drops: the worker counts as dead then
 * and another worker may take over its pages, so the caller must stop working at once. Refuses a
 * queue whose tables lack what the lock refresh writes (QueueSchemaMismatchError).
 */
export async function openLiveness(url: string, name: string, log: Logger, onLost: (error: Error) => void): Promise<Liveness> {
  // keepAlive: a dead server or network is noticed here too, not only by the server.
  const client = new pg.Client({ connectionString: url, keepAlive: true });
  let closing = false;
  let poolId: string | null = null;
  client.on('error', (error) => {
    if (!closing) onLost(error);
  });
  client.on('end', () => {
    if (!closing) onLost(new Error('the liveness connection to Postgres ended'));
  });
  await client.connect();
  try {
    await checkJobLockColumns(client);
  } catch (error) {
    closing = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  // One query at a time on this session (pg 9 will refuse overlapping ones): tasks, the reaper and
  // the heartbeat all use it.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  return {
    ready,
    claim: (id) => serial(async () => {
      poolId = id;
      await registerWorkerSession(client, id, name);
      markReady();
    }),
    ownsJob: (jobId) => serial(async () => poolId !== null && (await jobLockedBy(client, jobId)) === poolId),
    reapDeadWorkers: () => serial(async () => {
      const released: ReleasedJob[] = [];
      const gone: string[] = [];
      for (const other of await workersThatLookDead(client, poolId)) {
        const jobs = await handBackIfDead(client, other);
        if (jobs === null) continue;
        gone.push(other);
        released.push(...jobs);
      }
      if (gone.length > 0) {
        await forgetGoneWorkers(client);
        log.warn({ workers: gone, jobs: released.map((j) => j.id) }, `handed back ${released.length} task(s) of ${gone.length} worker(s) that are gone`);
      }
      return released;
    }),
    heartbeat: () => serial(async () => {
      if (poolId !== null) await refreshJobLocks(client, poolId);
    }),
    async close() {
      closing = true;
      if (poolId !== null) await serial(() => unregisterWorkerSession(client, poolId as string)).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
