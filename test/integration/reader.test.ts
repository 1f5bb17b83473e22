import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_NAMES } from '../../src/sync/registry.js';
import { createDb } from '../../src/warehouse/db.js';
import { withLockSession } from '../../src/warehouse/locks.js';
import { readerRoleName } from '../../src/warehouse/reader-role.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { createSyncHarness, runCli, type SyncHarness } from '../support/harness.js';

// A reader that can only read (issue: the BI login could take the sync's advisory locks and make
// every stream `skipped_locked` while the run exited 0, and, being one role for the whole cluster,
// read the `pancake` schema of every other warehouse database on the server).

const DAY = 86_400_000;

function urlAs(url: string, user: string, password: string, database?: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('the reader role', () => {
  let h: SyncHarness;
  let other: TestDatabase;
  let readerUrl: string;
  let sharedUrl: string;
  const logins: string[] = [];

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 51, pages: 2, conversationsPerPage: 8, historyDays: 10 }, 'reader');
    await h.sync({ since: new Date(h.sim.data.now.getTime() - 11 * DAY) });
    // Another warehouse in the same cluster, with data of its own.
    other = await createMigratedDatabase('reader_other');
    const otherDb = createDb(other.url, 1);
    await otherDb.insertInto('pancake.pages').values({ id: 'other-shop', name: 'Other', platform: null, timezone_offset_hours: null, is_activated: null, inserted_at: null, raw: '{}', synced_at: new Date(), deleted_at: null }).execute();
    await otherDb.destroy();

    const database = new URL(h.database.url).pathname.slice(1);
    const reader = `bi_${randomBytes(4).toString('hex')}`;
    const shared = `old_bi_${randomBytes(4).toString('hex')}`;
    logins.push(reader, shared);
    // As the README tells a user to (and docker/init-warehouse.sql does for Metabase).
    await sql.raw(`create role ${reader} login password 'pw' in role ${readerRoleName(database)}`).execute(h.db);
    // A login of the version before: the cluster-wide role.
    await sql.raw(`create role ${shared} login password 'pw' in role pancake_reader`).execute(h.db);
    readerUrl = urlAs(h.database.url, reader, 'pw');
    sharedUrl = urlAs(h.database.url, shared, 'pw');
  });
  afterAll(async () => {
    await other?.drop();
    await h?.close();
    const admin = createDb(new URL('/postgres', h.database.url).toString(), 1);
    for (const login of logins) await sql.raw(`drop role if exists ${login}`).execute(admin).catch(() => undefined);
    await admin.destroy();
  });

  it('reads every table of its warehouse, and cannot take, fake or block the sync\'s locks', async () => {
    const reader = await connect(readerUrl);
    try {
      expect((await reader.query('select count(*)::int as n from pancake.conversations')).rows[0].n).toBeGreaterThan(0);
      await reader.query('select * from pancake.sync_locks');
      const denied = (statement: string) => expect(reader.query(statement), statement).rejects.toThrow(/permission denied/);
      await denied(`insert into pancake.sync_locks (page_id, stream, holder, host, pid) values ('p', 'tags', gen_random_uuid(), 'h', 1)`);
      await denied(`update pancake.sync_locks set heartbeat_at = now()`);
      await denied(`select * from pancake.sync_locks for update`);
      await denied(`select * from pancake.sync_runs for share`);
      await reader.query('begin');
      await denied(`lock table pancake.sync_locks in exclusive mode`);
      await reader.query('rollback');

      // What the reader could do to the version before: hold every advisory lock the sync used.
      for (const page of h.sim.data.pages) {
        for (const stream of STREAM_NAMES) await reader.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [`pancake-sync:${page.id}:${stream}`]);
      }
      const summary = await h.sync();
      expect(summary.exitCode).toBe(0);
      expect(summary.outcomes.filter((o) => o.status === 'skipped_locked')).toEqual([]);
    } finally {
      await reader.end();
    }
  });

  it('reads nothing of another warehouse database in the same cluster', async () => {
    const elsewhere = await connect(urlAs(h.database.url, logins[0]!, 'pw', new URL(other.url).pathname.slice(1)));
    try {
      const { rows } = await elsewhere.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'pancake' and table_type = 'BASE TABLE'`);
      expect(rows.length).toBe(0); // tables the login has no privilege on are not even listed
      await expect(elsewhere.query('select * from pancake.pages')).rejects.toThrow(/permission denied/);
      await expect(elsewhere.query('select * from pancake_analytics.daily_messages')).rejects.toThrow(/permission denied/);
    } finally {
      await elsewhere.end();
    }
  });

  it('the cluster-wide pancake_reader of earlier versions no longer reads this warehouse', async () => {
    const old = await connect(sharedUrl);
    try {
      await expect(old.query('select * from pancake.pages')).rejects.toThrow(/permission denied/);
    } finally {
      await old.end();
    }
  });
});

describe('a stream skipped because another process holds its lock', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 52, pages: 1, conversationsPerPage: 3, historyDays: 5 }, 'lock_skips');
  });
  afterAll(async () => h?.close());

  it('is a warning naming the holder (run summary and status); skipped again in the next run, the run exits 1', async () => {
    const [page] = h.sim.data.pages;
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const taken = new Promise<void>((resolve) => (held = resolve));
    // Another lock session, as another process would have it.
    const holder = withLockSession(h.db, (locks) => locks.tryWith(page!.id, 'tags', async () => {
      held();
      await holding;
    }));
    await taken;
    try {
      const first = await h.sync({ streams: ['tags', 'page_users'] });
      expect(first.exitCode).toBe(0);
      expect(first.outcomes.find((o) => o.stream === 'tags')?.status).toBe('skipped_locked');
      expect(first.warnings).toEqual([
        expect.objectContaining({ kind: 'locked', stream: 'tags', message: expect.stringMatching(new RegExp(`another pancake-sync process is syncing tags of page ${page!.id} \\(.+ pid ${process.pid} since \\d{4}-.+\\); tags was skipped`)) }),
      ]);
      const status = await runCli(['status'], { DATABASE_URL: h.database.url });
      expect(status.stdout).toMatch(/Warnings of the last run:\n {2}another pancake-sync process is syncing tags/);
      expect(status.stdout).toMatch(new RegExp(`Streams being synced now:\\n {2}${page!.id} tags: .+ pid ${process.pid} since`));

      const second = await h.sync({ streams: ['tags', 'page_users'] });
      expect(second.exitCode).toBe(1);
      expect(second.failures).toEqual([expect.objectContaining({ kind: 'locked', stream: 'tags', message: expect.stringMatching(/skipped in this run and in the previous one/) })]);
    } finally {
      release();
      await holder;
    }
    const third = await h.sync({ streams: ['tags', 'page_users'] });
    expect(third.exitCode).toBe(0);
    expect(third.warnings).toEqual([]);
  });
});
