import pg from 'pg';
import type { Logger } from '../logger.js';
import { QUEUE_SCHEMA } from './queue.js';

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
// page's first backfill can take longer than that; so a live worker refreshes the locked_at of its
// own jobs and queues on every round (graphile-worker's tables, written the way its own sweep does).

/**
 * How old a job's lock must be before its worker can be judged dead. A worker registers
 * milliseconds after its pool starts fetching; judging it earlier would only cost that job an
 * attempt (ownsJob keeps it correct), so this is about waste, not safety.
 */
const STARTUP_GRACE_SECONDS = 2;

/** Prefix of the liveness session's application_name, which `queue-status` reads to name workers. */
export const LIVENESS_APP = 'pancake-sync';

/** Whether the registered session of worker row `w` is still connected. */
const SESSION_ALIVE = `(w.backend_pid is not null and exists (
  select from pg_stat_activity a
  where a.pid = w.backend_pid and a.usesysid = w.role_oid and (a.backend_start is null or a.backend_start = w.backend_start)))`;

/** A row left for a worker found dead before it registered is forgotten after this long. */
const UNREGISTERED_ROW_HOURS = 1;

/** A job handed back by `reapDeadWorkers`, as graphile-worker's `jobs` view shows it. */
export interface ReleasedJob {
  id: string;
  queueName: string | null;
  key: string | null;
  attempts: number;
  maxAttempts: number;
}

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
 * and another worker may take over its pages, so the caller must stop working at once.
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

  /** In one transaction holding the worker's row: null when it is alive, else the jobs handed back. */
  const handBackIfDead = async (other: string): Promise<ReleasedJob[] | null> => {
    await client.query('begin');
    try {
      // A row for a worker that never registered says so; its registration then waits for this.
      await client.query(`insert into pancake_private.worker_sessions (pool_id, gone_at) values ($1, now()) on conflict do nothing`, [other]);
      const { rows: judged } = await client.query<{ alive: boolean }>(
        `select ${SESSION_ALIVE} as alive from pancake_private.worker_sessions w where w.pool_id = $1 for update`,
        [other],
      );
      if (judged[0]?.alive !== false) {
        await client.query('commit');
        return null;
      }
      const { rows: jobs } = await client.query<{ id: string; queue_name: string | null; key: string | null; attempts: number; max_attempts: number }>(
        `select id::text, queue_name, key, attempts, max_attempts from ${schema}.jobs where locked_by = $1`,
        [other],
      );
      await client.query(`select ${schema}.force_unlock_workers($1::text[])`, [[other]]);
      await client.query('commit');
      return jobs.map((j) => ({ id: j.id, queueName: j.queue_name, key: j.key, attempts: j.attempts, maxAttempts: j.max_attempts }));
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  };

  return {
    ready,
    claim: (id) => serial(async () => {
      poolId = id;
      // application_name is at most 63 bytes: the pool id first, so that only the name is cut.
      await client.query(`select set_config('application_name', $1, false)`, [`${LIVENESS_APP} ${id} ${name}`.slice(0, 63)]);
      // The server drops this session (and so the worker counts as dead) about a minute after its machine vanishes,
      // instead of the operating system's default of two hours or more.
      for (const [setting, value] of [['tcp_keepalives_idle', '30'], ['tcp_keepalives_interval', '10'], ['tcp_keepalives_count', '3']]) {
        await client.query('select set_config($1, $2, false)', [setting, value]).catch(() => undefined);
      }
      // Only pancake-sync's own sessions lock what this session waits for, briefly; never forever.
      await client.query(`select set_config('lock_timeout', '10s', false)`);
      // Waits for a reaper that is judging this worker right now (its row is locked meanwhile).
      await client.query(
        `insert into pancake_private.worker_sessions as w (pool_id, name, backend_pid, backend_start, role_oid)
         select $1, $2, pid, backend_start, usesysid from pg_stat_activity where pid = pg_backend_pid()
         on conflict (pool_id) do update
           set name = excluded.name, backend_pid = excluded.backend_pid, backend_start = excluded.backend_start,
               role_oid = excluded.role_oid, registered_at = now(), gone_at = null`,
        [id, name],
      );
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
      const others = rows.map((r) => r.locked_by).filter((id) => id !== poolId);
      // One look at all of them; only a worker that looks dead is judged again, holding its row.
      const { rows: looked } = others.length === 0 ? { rows: [] } : await client.query<{ pool_id: string; alive: boolean }>(
        `select id as pool_id, coalesce(${SESSION_ALIVE}, false) as alive from unnest($1::text[]) id left join pancake_private.worker_sessions w on w.pool_id = id`,
        [others],
      );
      for (const { pool_id: other } of looked.filter((l) => !l.alive)) {
        const jobs = await handBackIfDead(other);
        if (jobs === null) continue;
        gone.push(other);
        released.push(...jobs);
      }
      // Rows of workers that are gone and hold nothing any more.
      if (gone.length > 0) {
        await client.query(
          `delete from pancake_private.worker_sessions w
           where not ${SESSION_ALIVE} and not exists (select from ${schema}.jobs j where j.locked_by = w.pool_id)
             and (w.backend_pid is not null or w.gone_at < now() - make_interval(hours => $1))`,
          [UNREGISTERED_ROW_HOURS],
        );
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
      if (poolId !== null) await serial(() => client.query('delete from pancake_private.worker_sessions where pool_id = $1', [poolId])).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
