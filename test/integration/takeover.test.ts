import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/warehouse/db.js';
import { withLockSession } from '../../src/warehouse/locks.js';
import { markAbandonedRuns } from '../../src/warehouse/runs.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';

// What another host's process leaves behind: a lock or a `running` run that nobody renews. This host
// cannot look at that process, so only the missing heartbeat tells it is gone (after 2 minutes).

describe('locks and runs of a process on another host', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  beforeAll(async () => {
    database = await createMigratedDatabase('takeover');
    db = createDb(database.url, 2);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const remoteLock = (stream: string, secondsAgo: number) =>
    sql`insert into pancake.sync_locks (page_id, stream, holder, host, pid, run_id, since, heartbeat_at)
        values ('p1', ${stream}, gen_random_uuid(), 'elsewhere', 4242, 7, now() - interval '1 hour', now() - make_interval(secs => ${secondsAgo}))`.execute(db);

  it('a lock renewed recently is respected and named; one not renewed for over 2 minutes is taken over', async () => {
    await remoteLock('tags', 10);
    await remoteLock('posts', 180);
    const results = await withLockSession(db, async (locks) => ({
      tags: await locks.tryWith('p1', 'tags', async () => 'ran'),
      posts: await locks.tryWith('p1', 'posts', async () => 'ran'),
    }));
    expect(results.posts).toEqual({ value: 'ran' });
    expect(results.tags).toEqual({ heldBy: { host: 'elsewhere', pid: 4242, runId: '7', since: expect.any(Date) } });
    // The session released what it took; the live remote lock is untouched.
    const left = await db.selectFrom('pancake.sync_locks').select(['stream', 'host']).execute();
    expect(left).toEqual([{ stream: 'tags', host: 'elsewhere' }]);
  });

  it('a `running` run silent for over 2 minutes is marked aborted; a live one and a queued one are left alone', async () => {
    const insert = (host: string, secondsAgo: number, options = '{}') =>
      db.insertInto('pancake.sync_runs').values({ status: 'running', options, counts: '{}', errors: '[]', requests: 0, host, pid: 4242, finished_at: null, heartbeat_at: sql<Date>`now() - make_interval(secs => ${secondsAgo})` as never }).returning('id').executeTakeFirstOrThrow();
    const silent = await insert('elsewhere', 600);
    const live = await insert('elsewhere', 5);
    const queued = await insert('elsewhere', 6000, JSON.stringify({ mode: 'queue' }));
    expect(await markAbandonedRuns(db)).toEqual([String(silent.id)]);
    const statuses = await db.selectFrom('pancake.sync_runs').select(['id', 'status']).orderBy('id').execute();
    expect(statuses.map((r) => [String(r.id), r.status])).toEqual([
      [String(silent.id), 'aborted'],
      [String(live.id), 'running'],
      [String(queued.id), 'running'],
    ]);
  });
});
