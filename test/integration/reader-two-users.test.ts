import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../src/warehouse/db.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';
import { applyReaderRole, readerRoleName } from '../../src/warehouse/reader-role.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

// The reader role reads what any migrating user creates (regression: it could not read a table
// created in `pancake` by another user than the one that ran the migrations). Two database users
// migrate one warehouse: the owner runs the migrations, a second user later adds a table, as a later
// migration run by them would, and the reader's login reads both, while a table nobody granted
// stays a warning, not a failure for the rest.

function urlAs(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = 'pw';
  return u.toString();
}

async function selectAs(url: string, query: string): Promise<{ ok: boolean; error?: string }> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(query);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    await client.end();
  }
}

describe('the reader role with two migrating users', () => {
  let database: TestDatabase;
  const suffix = randomBytes(3).toString('hex');
  const [owner, second, bi] = [`mig_a_${suffix}`, `mig_b_${suffix}`, `bi_${suffix}`];

  beforeAll(async () => {
    database = await createTestDatabase('reader_users');
    const admin = createDb(database.url, 1);
    const name = new URL(database.url).pathname.slice(1);
    // The administrator's part: two logins that may migrate, and the database's reader role.
    await sql.raw(`create role ${owner} login password 'pw'; create role ${second} login password 'pw'`).execute(admin);
    await sql.raw(`alter database ${name} owner to ${owner}; grant create on database ${name} to ${second}`).execute(admin);
    await sql.raw(`do $$ begin create role ${readerRoleName(name)} nologin; exception when duplicate_object then null; end $$`).execute(admin);
    await sql.raw(`create role ${bi} login password 'pw' in role ${readerRoleName(name)}`).execute(admin);
    await admin.destroy();
  });
  afterAll(async () => {
    await database?.drop();
    // Roles are cluster-wide: leave none behind for the other test files.
    const admin = createDb(inject('adminDatabaseUrl'), 1);
    await sql.raw(`drop role if exists ${bi}; drop role if exists ${second}; drop role if exists ${owner}`).execute(admin);
    await admin.destroy();
  });

  it('reads the tables of both users after each has migrated', async () => {
    const first = createDb(urlAs(database.url, owner), 2);
    await migrateToLatest(first);
    await sql.raw(`grant usage, create on schema pancake to ${second}`).execute(first);
    await first.destroy();

    // The second user adds a table, then runs what every migration run ends with.
    const other = createDb(urlAs(database.url, second), 2);
    await sql`create table pancake.extra_from_second_user (id text primary key)`.execute(other);
    await applyReaderRole(other);
    await other.destroy();

    const reader = urlAs(database.url, bi);
    expect(await selectAs(reader, 'select count(*) from pancake.messages')).toEqual({ ok: true });
    expect(await selectAs(reader, 'select count(*) from pancake_analytics.daily_messages')).toEqual({ ok: true });
    expect(await selectAs(reader, 'select count(*) from pancake.extra_from_second_user')).toEqual({ ok: true });
    // Secrets stay out of reach.
    expect((await selectAs(reader, 'select count(*) from pancake_private.page_tokens')).ok).toBe(false);
  });
});
