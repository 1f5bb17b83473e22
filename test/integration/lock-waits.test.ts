import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createDb } from '../../src/warehouse/db.js';
import { LockWaitTimeoutError, waitForLock } from '../../src/warehouse/lock-wait.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';
import { bundledCli } from '../support/compiled-cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { createSyncHarness, REPO_ROOT, simulatorEnv, type SyncHarness } from '../support/harness.js';

// Issue 23: every wait on a lock has a bound, logs one line naming the holder, and obeys SIGTERM.
// The locks are ones only pancake-sync's owner can take (test/integration/lock-hostility.test.ts),
// so a holder is another pancake-sync process, or a session of the owner's own login: here a
// session of the owner plays it.

function captureLog(): { log: ReturnType<typeof createLogger>; lines: () => string[] } {
  let text = '';
  const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => ((text += chunk.toString()), done()) });
  return { log: createLogger({ level: 'info', destination }), lines: () => text.split('\n').filter(Boolean) };
}

async function ownerSession(url: string, name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: name });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('a wait on a lock: bounded, one line naming the holder, ended by a stop', () => {
  it('waitForLock gives up after its bound, saying who holds the lock, and ends at once on a stop signal', async () => {
    const { log, lines } = captureLog();
    const holders = async () => 'server process 4242 (user sync, application nightly)';
    await expect(waitForLock(async () => false, { what: 'the test lock', timeoutMs: 30, holders, log, firstPauseMs: 5 })).rejects.toThrow(
      new LockWaitTimeoutError('gave up waiting for the test lock after 0 s: it is held by server process 4242 (user sync, application nightly). If that process is stuck, stop it (or end its session with pg_terminate_backend(pid)) and run again.'),
    );
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(/waiting for the test lock, held by server process 4242 \(user sync, application nightly\); giving up after 0 s/);

    const stop = new AbortController();
    const waiting = waitForLock(async () => false, { what: 'the test lock', timeoutMs: 3_600_000, holders, signal: stop.signal });
    stop.abort(new Error('SIGTERM'));
    await expect(waiting).rejects.toThrow('SIGTERM');
  });

  describe('the migration lock', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('migration_lease');
    });
    afterAll(async () => database?.drop());

    it('held by a live session: one line naming it, then a bounded failure; once its session is gone, taken at once', async () => {
      // Another migrator's lease, as kysely's lock table holds it: its server process id.
      const holder = await ownerSession(database.url, 'other-migrator');
      await holder.query(`create schema pancake_private`);
      await holder.query(`create table pancake_private.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`);
      await holder.query(`create table pancake_private.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`);
      await holder.query(`insert into pancake_private.kysely_migration_lock values ('migration_lock', pg_backend_pid())`);
      const { rows } = await holder.query<{ pid: number }>('select pg_backend_pid() as pid');
      const db = createDb(database.url, 2);
      try {
        const { log, lines } = captureLog();
        await expect(migrateToLatest(db, { log, lockWaitMs: 200 })).rejects.toThrow(new RegExp(`gave up waiting for the migration lock .* held by server process ${rows[0]!.pid} \\(user \\w+, application other-migrator`));
        expect(lines()).toHaveLength(1);
        expect(lines()[0]).toMatch(new RegExp(`waiting for the migration lock .*, held by server process ${rows[0]!.pid} \\(user \\w+, application other-migrator`));
        // The holder dies (its lease stays written): the next migrate takes over without waiting.
        await holder.end();
        const after = captureLog();
        const { applied } = await migrateToLatest(db, { log: after.log, lockWaitMs: 60_000 });
        expect(applied.length).toBeGreaterThan(5);
        expect(after.lines().filter((l) => /waiting for/.test(l))).toEqual([]);
      } finally {
        await db.destroy();
      }
    });
  });

  describe("the analytics refresh, held by another process's refresh of the page", () => {
    let h: SyncHarness;
    beforeAll(async () => {
      h = await createSyncHarness({ seed: 37, pages: 1, conversationsPerPage: 4, historyDays: 3 }, 'analytics_wait');
    });
    afterAll(async () => h?.close());

    it('the sync says once who holds it, and SIGTERM ends the wait at once: exit 1, the run interrupted, the data stored', async () => {
      const page = h.sim.data.pages[0]!.id;
      const holder = await ownerSession(h.database.url, 'other-refresh');
      try {
        await holder.query(`insert into pancake_private.analytics_locks (page_id) values ($1) on conflict do nothing`, [page]);
        await holder.query('begin');
        await holder.query(`select from pancake_private.analytics_locks where page_id = $1 for update`, [page]);
        const env = simulatorEnv(h.sim, h.database.url, { LOG_LEVEL: 'info', SYNC_START: new Date(h.sim.data.now.getTime() - 4 * 86_400_000).toISOString() });
        const child = spawn(process.execPath, [bundledCli(), 'sync', '--streams', 'tags,conversations'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
        for (const deadline = Date.now() + 60_000; !/waiting for the analytics refresh/.test(stderr); await sleep(10)) {
          if (Date.now() > deadline) throw new Error(`the sync never waited for the analytics lock: ${stderr}`);
        }
        child.kill('SIGTERM');
        expect(await exited).toBe(1);
        const waits = stderr.split('\n').filter((l) => /waiting for the analytics refresh/.test(l));
        expect(waits).toHaveLength(1);
        expect(waits[0]).toMatch(new RegExp(`waiting for the analytics refresh of page ${page}, held by server process \\d+ \\(user \\w+, application other-refresh`));
        const run = await h.db.selectFrom('pancake.sync_runs').select(['status']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
        expect(run.status).toBe('interrupted');
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pancake.conversations where page_id = ${page}`.execute(h.db);
        expect(rows[0]?.n).toBeGreaterThan(0);
      } finally {
        await holder.end();
      }
    }, 120_000);
  });
});
