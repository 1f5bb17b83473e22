import pg from 'pg';
import type { Logger } from '../logger.js';
import { QUEUE_SCHEMA } from './queue.js';

// graphile-worker 0.17 frees the jobs of a crashed worker only after 4 hours (hard-coded in its
// stale-lock sweep), and leaves earlier release to `force_unlock_workers(ids)`, "only if the
// workers in question are no longer running". This file is how we know that, without a lease to
// tune: every worker holds a session advisory lock named after its graphile-worker pool id on a
// connection of its own for as long as it lives. A process that dies loses its connection and so
// the lock; a lock any other worker can take therefore belongs to a dead worker, and its jobs are
// handed back at once. A task starts only after its worker holds the lock and has checked that the
// job is still its own, so a job can never be handed back while its worker is working on it.
//
// The same 0.17 sweep also unlocks a job locked for over 4 hours *while its worker is alive*, and a
// page's first backfill can take longer than that; so a live worker refreshes the locked_at of its
// own jobs and queues on every round (graphile-worker's tables, written the way its own sweep does).

/**
 * How old a job's lock must be before its worker can be judged dead. A worker takes its liveness
 * lock milliseconds after its pool starts fetching; judging it earlier would only cost that job an
 * attempt (ownsJob keeps it correct), so this is about waste, not safety.
 */
const STARTUP_GRACE_SECONDS = 2;

/** Prefix of the liveness session's application_name, which `queue-status` reads to name workers. */
export const LIVENESS_APP = 'pancake-sync';

function livenessKey(poolId: string): string {
  return `pancake-sync:worker:${poolId}`;
}

/** A job handed back by `reapDeadWorkers`, as graphile-worker's `jobs` view shows it. */
export interface ReleasedJob {
  id: string;
  queueName: string | null;
  key: string | null;
  attempts: number;
  maxAttempts: number;
}

export interface Liveness {
  /** Takes the lock of this worker's pool id; tasks wait for it (see `ready`). */
  claim(poolId: string): Promise<void>;
  /** Resolves once the lock is held. */
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
 * Opens the liveness session. `onLost` runs if the connection drops: the lock is gone then and
 * another worker may take over this worker's pages, so the caller must stop working at once.
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
  const schema = client.escapeIdentifier(QUEUE_SCHEMA);

  return {
    ready,
    claim: (id) => serial(async () => {
      poolId = id;
      // application_name is at most 63 bytes: the pool id first, so that only the name is cut.
      await client.query(`select set_config('application_name', $1, false)`, [`${LIVENESS_APP} ${id} ${name}`.slice(0, 63)]);
      // The server drops this session (and so the lock) about a minute after its machine vanishes,
      // instead of the operating system's default of two hours or more.
      for (const [setting, value] of [['tcp_keepalives_idle', '30'], ['tcp_keepalives_interval', '10'], ['tcp_keepalives_count', '3']]) {
        await client.query('select set_config($1, $2, false)', [setting, value]).catch(() => undefined);
      }
      await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [livenessKey(id)]);
      markReady();
    }),
    ownsJob: (jobId) => serial(async () => {
      const { rows } = await client.query<{ locked_by: string | null }>(`select locked_by from ${schema}.jobs where id = $1`, [jobId]);
      return poolId !== null && rows[0]?.locked_by === poolId;
    }),
    reapDeadWorkers: () => serial(async () => {
      const { rows } = await client.query<{ locked_by: string }>(
        `select distinct locked_by from ${schema}.jobs where locked_by is not null and locked_at < now() - make_interval(secs => $1)`,
        [STARTUP_GRACE_SECONDS],
      );
      const released: ReleasedJob[] = [];
      const gone: string[] = [];
      for (const { locked_by: other } of rows) {
        // Our own lock is re-entrant for this session: never test it.
        if (other === poolId) continue;
        const { rows: got } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [livenessKey(other)]);
        if (!got[0]?.locked) continue;
        try {
          // Holding the dead worker's lock while unlocking: a worker that is only starting up
          // (claim() blocks meanwhile) then finds its job gone in ownsJob() and leaves it alone.
          const { rows: jobs } = await client.query<{ id: string; queue_name: string | null; key: string | null; attempts: number; max_attempts: number }>(
            `select id::text, queue_name, key, attempts, max_attempts from ${schema}.jobs where locked_by = $1`,
            [other],
          );
          await client.query(`select ${schema}.force_unlock_workers($1::text[])`, [[other]]);
          gone.push(other);
          released.push(...jobs.map((j) => ({ id: j.id, queueName: j.queue_name, key: j.key, attempts: j.attempts, maxAttempts: j.max_attempts })));
        } finally {
          await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [livenessKey(other)]);
        }
      }
      if (gone.length > 0) log.warn({ workers: gone, jobs: released.map((j) => j.id) }, `handed back ${released.length} task(s) of ${gone.length} worker(s) that are gone`);
      return released;
    }),
    heartbeat: () => serial(async () => {
      if (poolId === null) return;
      await client.query(`update ${schema}._private_jobs set locked_at = now() where locked_by = $1`, [poolId]);
      await client.query(`update ${schema}._private_job_queues set locked_at = now() where locked_by = $1`, [poolId]);
    }),
    async close() {
      closing = true;
      await client.end().catch(() => undefined);
    },
  };
}
