import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { enqueueRun } from '../../src/queue/enqueue.js';
import { createQueuePool, migrateQueue } from '../../src/queue/queue.js';
import { createDb } from '../../src/warehouse/db.js';
import { readerRoleName } from '../../src/warehouse/reader-role.js';
import { runCompiledCli } from '../support/compiled-cli.js';
import { createMigratedDatabase, createTestDatabase, type TestDatabase } from '../support/db.js';
import { createSyncHarness, simulatorEnv, type SyncHarness } from '../support/harness.js';
import { killAll, startWorker, waitForRun, type WorkerProcess } from '../support/workers.js';

// Issue 23, "a BI login cannot stall or block the sync". The advisory-lock keys were computed from
// strings in the source, so any login could take them: a reader holding the analytics key of a
// page made `sync` wait silently (58 s and 296 s) and ignore SIGTERM; kysely's migration key or the
// bookkeeping key hung the first sync of a new warehouse; the reader-role key hung `migrate`; a
// worker's liveness key (its pool id is in pg_stat_activity) kept a crashed worker's tasks locked.
// Here a login granted the reader role takes every key it can compute from the source and from
// pg_stat_activity, holds a read lock on every table it may read, and takes any advisory lock it
// sees another session hold; the sync, a migrate and a first sync of new warehouses and a worker
// takeover each still finish, in bounded time.

const DAY = 86_400_000;
/** kysely 0.28's migration lock key (its PostgresAdapter). */
const KYSELY_MIGRATION_KEY = '3853314791062309107';

function urlAs(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = 'pw';
  return u.toString();
}

/** What a hostile login does to one database, on connections of its own. */
interface Hostile {
  /** Advisory locks of other sessions seen in pg_locks (pancake-sync must hold none). */
  readonly seen: Set<string>;
  /** Worker pool ids found in pg_stat_activity whose liveness key it took. */
  readonly workerKeys: Set<string>;
  close(): Promise<void>;
}

async function hostileLogin(url: string, pageIds: readonly string[]): Promise<Hostile> {
  const connect = async () => {
    const client = new pg.Client({ connectionString: url, application_name: 'bi-dashboard' });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const keys = await connect();
  const reads = await connect();
  const taken: string[] = [];
  const take = async (expression: string) => {
    const { rows } = await keys.query<{ ok: boolean }>(`select ${expression.replace(/^pg_advisory_lock/, 'pg_try_advisory_lock')} as ok`);
    if (rows[0]?.ok) taken.push(expression);
  };
  // Every key the source names.
  await take(`pg_advisory_lock(${KYSELY_MIGRATION_KEY}::bigint)`);
  await take(`pg_advisory_lock(hashtext('pancake-sync:migration-bookkeeping'))`);
  await take(`pg_advisory_lock(hashtext('pancake-sync:reader-role'))`);
  for (const page of pageIds) await take(`pg_advisory_lock(hashtext('pancake-sync:analytics'), hashtext('${page}'))`);
  expect(taken.length).toBe(3 + pageIds.length);
  // A long report: a read lock on every table it may read, for as long as it likes.
  const { rows: tables } = await reads.query<{ name: string }>(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname in ('pancake', 'pancake_analytics') and has_schema_privilege(schemaname, 'usage') and has_table_privilege(format('%I.%I', schemaname, tablename), 'select')`,
  );
  await reads.query('begin');
  if (tables.length > 0) await reads.query(`lock table ${tables.map((t) => t.name).join(', ')} in access share mode`);

  // And, all along, whatever pg_stat_activity and pg_locks show, in this database: pg_locks is the
  // whole server's, where other test files take advisory locks of their own (reader.test.ts).
  const seen = new Set<string>();
  const workerKeys = new Set<string>();
  let stopped = false;
  const watch = (async () => {
    while (!stopped) {
      const { rows: pools } = await keys.query<{ pool: string }>(`select split_part(application_name, ' ', 2) as pool from pg_stat_activity where application_name like 'pancake-sync pool-%'`).catch(() => ({ rows: [] as Array<{ pool: string }> }));
      for (const { pool } of pools) {
        if (workerKeys.has(pool)) continue;
        const { rows } = await keys.query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtextextended($1, 0)) as ok`, [`pancake-sync:worker:${pool}`]).catch(() => ({ rows: [] as Array<{ ok: boolean }> }));
        if (rows[0]?.ok) workerKeys.add(pool);
      }
      const { rows: locks } = await keys.query<{ key: string }>(`select classid || ':' || objid || ':' || objsubid as key from pg_locks where locktype = 'advisory' and pid <> pg_backend_pid() and database = (select oid from pg_database where datname = current_database())`).catch(() => ({ rows: [] as Array<{ key: string }> }));
      for (const { key } of locks) seen.add(key);
      await sleep(10);
    }
  })();
  return {
    seen,
    workerKeys,
    async close() {
      stopped = true;
      await watch;
      await reads.end().catch(() => undefined);
      await keys.end().catch(() => undefined);
    },
  };
}

describe('a BI login cannot stall or block the sync', () => {
  let h: SyncHarness;
  const bi = `bi_hostile_${randomBytes(3).toString('hex')}`;
  const databases: TestDatabase[] = [];
  let since: string;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 29, pages: 2, conversationsPerPage: 5, historyDays: 5, latencyMs: 2 }, 'hostile');
    since = new Date(h.sim.data.now.getTime() - 6 * DAY).toISOString();
    await sql.raw(`create role ${bi} login password 'pw' in role ${readerRoleName(new URL(h.database.url).pathname.slice(1))}`).execute(h.db);
  });
  afterAll(async () => {
    for (const d of databases) await d.drop();
    await h?.close();
    const admin = createDb(new URL('/postgres', h.database.url).toString(), 1);
    await sql.raw(`drop role if exists ${bi}`).execute(admin).catch(() => undefined);
    await admin.destroy();
  });

  const pageIds = () => h.sim.data.pages.map((p) => p.id);

  it('the sync finishes, refreshes the analytics, and takes no advisory lock at all', async () => {
    const hostile = await hostileLogin(urlAs(h.database.url, bi), pageIds());
    try {
      const result = await runCompiledCli(['sync', '--since', since], simulatorEnv(h.sim, h.database.url, { LOG_LEVEL: 'info' }));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/waiting for|was not refreshed|skipped/);
      const { rows } = await sql<{ pages: number }>`select count(*)::int as pages from pancake_private.analytics_pages where refreshed_at > now() - interval '5 minutes'`.execute(h.db);
      expect(rows[0]?.pages).toBe(pageIds().length);
      expect([...hostile.seen]).toEqual([]);
    } finally {
      await hostile.close();
    }
  }, 120_000);

  it('a migrate, and the first sync, of a new warehouse finish', async () => {
    for (const command of [['migrate'], ['sync', '--streams', 'tags,conversations,messages', '--since', since]]) {
      const fresh = await createTestDatabase('hostile_new');
      databases.push(fresh);
      // Before anything exists: the keys the source names, in the new database.
      const hostile = await hostileLogin(urlAs(fresh.url, bi), pageIds());
      try {
        const result = await runCompiledCli(command, simulatorEnv(h.sim, fresh.url, { LOG_LEVEL: 'info' }));
        expect(result.code, `${command[0]}: ${result.stderr}`).toBe(0);
        expect(result.stderr).not.toMatch(/waiting for/);
        expect([...hostile.seen]).toEqual([]);
      } finally {
        await hostile.close();
      }
    }
  }, 180_000);

  it('a crashed worker\'s tasks are handed back, whatever the BI login holds, with one line', async () => {
    const fresh = await createMigratedDatabase('hostile_workers');
    databases.push(fresh);
    const env = simulatorEnv(h.sim, fresh.url, { SYNC_START: since, LOG_LEVEL: 'info' });
    const db = createDb(fresh.url, 2);
    const pool = createQueuePool(fresh.url, 2);
    let workers: WorkerProcess[] = [];
    const hostile = await hostileLogin(urlAs(fresh.url, bi), pageIds());
    try {
      await migrateQueue(pool, silentLogger);
      const config = h.config({ SYNC_START: since });
      const { runId } = await enqueueRun({ config, db, client: h.client(config), log: silentLogger }, { since: new Date(since), pages: null, maxAttempts: 5 });
      h.sim.clearRequests();
      const victim = startWorker('victim', env, ['--concurrency', '2']);
      workers = [victim];
      // Killed once it works on its tasks (and the BI login has had time to take its key).
      for (const deadline = Date.now() + 60_000; h.sim.requests.filter((r) => r.worker === 'victim').length < 3 || hostile.workerKeys.size === 0; await sleep(5)) {
        if (Date.now() > deadline) throw new Error(`the victim worker never started working: ${victim.stderr}`);
      }
      victim.signal('SIGKILL');
      await victim.exited;
      const heir = startWorker('heir', env, ['--concurrency', '2', '--reap-interval', '500ms']);
      workers.push(heir);
      expect(await waitForRun(db, runId, [heir])).toBe('succeeded');
      expect(heir.stderr.match(/handed back \d+ task\(s\) of 1 worker\(s\) that are gone/g)).toHaveLength(1);
      expect([...hostile.workerKeys].length).toBeGreaterThan(0);
      expect([...hostile.seen]).toEqual([]);
    } finally {
      await killAll(workers);
      await hostile.close();
      await pool.end();
      await db.destroy();
    }
  }, 180_000);
});
