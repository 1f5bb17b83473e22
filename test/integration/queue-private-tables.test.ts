import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTaskList } from 'graphile-worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { createQueuePool, graphileLogger, migrateQueue } from '../../src/queue/queue.js';
import { checkJobLockColumns, JOB_LOCK_COLUMNS, QueueSchemaMismatchError, refreshJobLocks } from '../../src/warehouse/runs/refresh-job-locks.js';
import { QUEUE_SCHEMA } from '../../src/warehouse/runs.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { REPO_ROOT } from '../support/harness.js';

// pancake-sync writes graphile-worker's private tables in one place (src/warehouse/runs/
// refresh-job-locks.ts): a live worker renews its locks, because graphile-worker frees any lock
// older than 4 hours and offers no public way to renew one. Everything else goes through its
// public `jobs` view and documented SQL functions. This file fails, saying what changed, when the
// installed graphile-worker no longer has what that code relies on: the columns, the public view
// and functions, or the 4-hour sweep the renewal answers.

const GRAPHILE = join(REPO_ROOT, 'node_modules/graphile-worker');
const graphileVersion = (JSON.parse(readFileSync(join(GRAPHILE, 'package.json'), 'utf8')) as { version: string }).version;
const UPGRADED = `graphile-worker ${graphileVersion} differs from the 0.17 that src/warehouse/runs/ was written for: review refresh-job-locks.ts and the queue's SQL there`;

describe("graphile-worker's tables, as the queue's SQL relies on them", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let session: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase('queue_private');
    pool = createQueuePool(database.url, 4);
    await migrateQueue(pool, silentLogger);
    session = new pg.Client({ connectionString: database.url });
    await session.connect();
  });
  afterAll(async () => {
    await session?.end();
    await pool?.end();
    await database?.drop();
  });

  it('has every column the lock renewal writes', async () => {
    await expect(checkJobLockColumns(session), UPGRADED).resolves.toBeUndefined();
    const { rows } = await session.query<{ table_name: string; column_name: string; data_type: string }>(
      `select table_name, column_name, data_type from information_schema.columns where table_schema = $1 and table_name = any($2::text[]) and column_name in ('locked_at', 'locked_by')`,
      [QUEUE_SCHEMA, Object.keys(JOB_LOCK_COLUMNS)],
    );
    expect(rows.map((r) => `${r.table_name}.${r.column_name} ${r.data_type}`).sort(), UPGRADED).toEqual([
      '_private_job_queues.locked_at timestamp with time zone',
      '_private_job_queues.locked_by text',
      '_private_jobs.locked_at timestamp with time zone',
      '_private_jobs.locked_by text',
    ]);
  });

  it('has the public view and functions the rest of the queue SQL uses', async () => {
    const { rows: columns } = await session.query<{ column_name: string }>(`select column_name from information_schema.columns where table_schema = $1 and table_name = 'jobs'`, [QUEUE_SCHEMA]);
    expect(columns.map((c) => c.column_name), UPGRADED).toEqual(
      expect.arrayContaining(['id', 'queue_name', 'task_identifier', 'key', 'attempts', 'max_attempts', 'run_at', 'locked_at', 'locked_by', 'last_error']),
    );
    const { rows: functions } = await session.query<{ proname: string }>(`select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1`, [QUEUE_SCHEMA]);
    expect(functions.map((f) => f.proname), UPGRADED).toEqual(expect.arrayContaining(['add_jobs', 'force_unlock_workers', 'permanently_fail_jobs']));
    const { rows: types } = await session.query(`select from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = $1 and t.typname = 'job_spec'`, [QUEUE_SCHEMA]);
    expect(types, UPGRADED).toHaveLength(1);
  });

  it('still frees every lock older than 4 hours in its sweep, live worker or not (what the renewal answers)', () => {
    const sweep = readFileSync(join(GRAPHILE, 'dist/sql/resetLockedAt.js'), 'utf8');
    for (const table of Object.keys(JOB_LOCK_COLUMNS)) expect(sweep, UPGRADED).toContain(`${table} as`);
    expect(sweep.match(/locked_at < \$\{now\} - interval '4 hours'/g), UPGRADED).toHaveLength(2);
  });

  it("renews one worker's job and queue locks, which graphile-worker's own sweep then leaves alone", async () => {
    const add = (queue: string) => session.query<{ id: string }>(`select id::text from ${QUEUE_SCHEMA}.add_job('renewal_check', '{}'::json, queue_name => $1)`, [queue]);
    const [mine] = (await add('page:renewed')).rows;
    const [theirs] = (await add('page:stale')).rows;
    // Both locked 5 hours ago: the first by this worker, the second by one that stopped renewing.
    const lock = async (jobId: string, poolId: string) => {
      await session.query(`update ${QUEUE_SCHEMA}._private_jobs set locked_by = $2, locked_at = now() - interval '5 hours' where id = $1`, [jobId, poolId]);
      await session.query(
        `update ${QUEUE_SCHEMA}._private_job_queues q set locked_by = $2, locked_at = now() - interval '5 hours' from ${QUEUE_SCHEMA}._private_jobs j where j.id = $1 and q.id = j.job_queue_id`,
        [jobId, poolId],
      );
    };
    await lock(mine!.id, 'pool-renewing');
    await lock(theirs!.id, 'pool-silent');

    await refreshJobLocks(session, 'pool-renewing');
    const locks = async () =>
      (
        await session.query<{ id: string; job_by: string | null; job_fresh: boolean; queue_by: string | null; queue_fresh: boolean }>(
          `select j.id::text, j.locked_by as job_by, j.locked_at > now() - interval '1 minute' as job_fresh, q.locked_by as queue_by, q.locked_at > now() - interval '1 minute' as queue_fresh
           from ${QUEUE_SCHEMA}._private_jobs j join ${QUEUE_SCHEMA}._private_job_queues q on q.id = j.job_queue_id order by j.id`,
        )
      ).rows;
    expect(await locks()).toEqual([
      { id: mine!.id, job_by: 'pool-renewing', job_fresh: true, queue_by: 'pool-renewing', queue_fresh: true },
      { id: theirs!.id, job_by: 'pool-silent', job_fresh: false, queue_by: 'pool-silent', queue_fresh: false },
    ]);

    // graphile-worker's own sweep, as a worker runs it (its first one, brought forward): the stale
    // lock goes, the renewed one stays.
    const events = new EventEmitter();
    const swept = new Promise<void>((resolve, reject) => {
      events.once('resetLocked:success', () => resolve());
      events.once('resetLocked:failure', ({ error }: { error: Error }) => reject(error));
    });
    const workers = runTaskList(
      { schema: QUEUE_SCHEMA, logger: await graphileLogger(silentLogger), concurrency: 1, noHandleSignals: true, pollInterval: 60_000, minResetLockedInterval: 50, maxResetLockedInterval: 100, events },
      { another_task: async () => undefined },
      pool,
    );
    try {
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([swept, new Promise((_, reject) => (deadline = setTimeout(() => reject(new Error('graphile-worker did not sweep within 60 s')), 60_000)))]);
      clearTimeout(deadline);
    } finally {
      await workers.gracefulShutdown();
    }
    expect(await locks()).toEqual([
      { id: mine!.id, job_by: 'pool-renewing', job_fresh: true, queue_by: 'pool-renewing', queue_fresh: true },
      { id: theirs!.id, job_by: null, job_fresh: null, queue_by: null, queue_fresh: null },
    ]);
  });

  it('refuses, naming what is missing, a queue whose tables are not the ones it renews locks in', async () => {
    await session.query(`create schema other_queue`);
    await session.query(`create table other_queue._private_jobs (id bigint, locked_by text)`);
    const refusal = checkJobLockColumns(session, 'other_queue');
    await expect(refusal).rejects.toBeInstanceOf(QueueSchemaMismatchError);
    await expect(refusal).rejects.toThrow(/missing other_queue\._private_jobs\.locked_at, other_queue\._private_job_queues\.locked_at, other_queue\._private_job_queues\.locked_by\): install the graphile-worker version/);
  });
});
