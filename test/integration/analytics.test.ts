import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/warehouse/db.js';
import { readerRoleName } from '../../src/warehouse/reader-role.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

// The analytics views against a small fixed data set whose answers were worked out by hand (in the
// comments next to each expectation). Page P1 is at UTC+7, page P2 at UTC+0.
const P1 = '1000000000000001';
const P2 = '1000000000000002';

async function seed(db: Kysely<Database>): Promise<void> {
  const q = (text: string) => sql.raw(text).execute(db);
  await q(`insert into pancake.pages (id, name, timezone_offset_hours, raw) values ('${P1}', 'Shop Một', 7, '{}'), ('${P2}', 'Shop Hai', 0, '{}')`);
  await q(`insert into pancake.page_users (page_id, id, name, raw) values ('${P1}', 'e1', 'Lan', '{}'), ('${P1}', 'e2', 'Minh', '{}')`);
  await q(`insert into pancake.conversations (page_id, id, type, inserted_at, updated_at, last_sent_by_id, raw) values
    ('${P1}', 'c1', 'INBOX',   '2026-03-01T16:30:00Z', '2026-03-01T18:00:00Z', '${P1}', '{}'),
    ('${P1}', 'c2', 'COMMENT', '2026-03-01T17:30:00Z', '2026-03-01T17:30:00Z', 'cust2', '{}'),
    ('${P1}', 'c3', 'INBOX',   '2026-03-02T03:00:00Z', '2026-03-02T03:40:00Z', '${P1}', '{}'),
    ('${P1}', 'c4', 'INBOX',   '2026-03-02T04:00:00Z', '2026-03-02T04:10:00Z', '${P1}', '{}'),
    ('${P2}', 'c5', 'INBOX',   '2026-03-01T23:30:00Z', '2026-03-01T23:30:00Z', 'cust5', '{}')`);
  await q(`insert into pancake.messages (page_id, id, conversation_id, inserted_at, is_from_page, sender_user_id, sender_admin_name, raw) values
    ('${P1}', 'm1', 'c1', '2026-03-01T16:30:00Z', false, null, null, '{}'),
    ('${P1}', 'm2', 'c1', '2026-03-01T16:35:00Z', true, 'e1', 'Lan', '{}'),
    ('${P1}', 'm3', 'c1', '2026-03-01T17:00:00Z', false, null, null, '{}'),
    ('${P1}', 'm4', 'c1', '2026-03-01T18:00:00Z', true, 'e2', 'Minh', '{}'),
    ('${P1}', 'm5', 'c2', '2026-03-01T17:30:00Z', false, null, null, '{}'),
    ('${P1}', 'm6', 'c3', '2026-03-02T03:00:00Z', true, 'e1', 'Lan', '{}'),
    ('${P1}', 'm7', 'c3', '2026-03-02T03:10:00Z', false, null, null, '{}'),
    ('${P1}', 'm8', 'c3', '2026-03-02T03:40:00Z', true, 'e1', 'Lan', '{}'),
    ('${P1}', 'm9', 'c4', '2026-03-02T04:00:00Z', false, null, null, '{}'),
    ('${P1}', 'm10', 'c4', '2026-03-02T04:10:00Z', true, 'e2', 'Minh', '{}'),
    ('${P2}', 'm11', 'c5', '2026-03-01T23:30:00Z', false, null, null, '{}')`);
  await q(`insert into pancake.conversation_assignees (page_id, conversation_id, user_id, raw) values
    ('${P1}', 'c1', 'e1', '{}'), ('${P1}', 'c2', 'e1', '{}'), ('${P1}', 'c3', 'e2', '{}'), ('${P1}', 'c4', 'e2', '{}')`);
  await q(`insert into pancake.conversation_tags (page_id, conversation_id, tag_id, tag_text, raw) values
    ('${P1}', 'c1', 't1', 'Chốt đơn', '{}'), ('${P1}', 'c3', 't1', 'Chốt đơn', '{}'), ('${P1}', 'c2', 't2', 'Hỏi giá', '{}')`);
  await q(`insert into pancake.customers (page_id, id, inserted_at, raw) values
    ('${P1}', 'cu1', '2026-03-01T20:00:00Z', '{}'), ('${P1}', 'cu2', '2026-03-01T10:00:00Z', '{}'), ('${P1}', 'cu3', '2026-03-02T18:00:00Z', '{}')`);
  await q(`insert into pancake.call_logs (page_id, call_id, start_time, duration_seconds, status, raw) values
    ('${P1}', 'k1', '2026-03-01T02:00:00Z', 60, 'completed', '{}'),
    ('${P1}', 'k2', '2026-03-01T16:59:00Z', 0, 'missed', '{}'),
    ('${P1}', 'k3', '2026-03-01T17:00:00Z', 120, 'completed', '{}')`);
}

async function view(db: Kysely<Database>, name: string, order: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await sql.raw<Record<string, unknown>>(`select * from pancake_analytics.${name} order by ${order}`).execute(db);
  // Dates as YYYY-MM-DD, numerics as numbers, so expectations read like the hand computation.
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? (k === 'day' ? v.toISOString().slice(0, 10) : v.toISOString()) : typeof v === 'string' && !k.endsWith('id') && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])),
  );
}

describe('pancake_analytics views', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;

  beforeAll(async () => {
    database = await createTestDatabase('analytics');
    db = createDb(database.url, 2);
    await migrateToLatest(db);
    await seed(db);
    // Return `date` columns as text so the local day is not shifted by the test machine's zone.
    pg.types.setTypeParser(1082, (v) => v);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('daily_conversations: by local day of the page (c1 starts 23:30 on 1 March at +7; c5 at +0)', async () => {
    expect(await view(db, 'daily_conversations', 'page_id, day, channel')).toEqual([
      { page_id: P1, day: '2026-03-01', channel: 'INBOX', new_conversations: 1 },
      { page_id: P1, day: '2026-03-02', channel: 'COMMENT', new_conversations: 1 },
      { page_id: P1, day: '2026-03-02', channel: 'INBOX', new_conversations: 2 },
      { page_id: P2, day: '2026-03-01', channel: 'INBOX', new_conversations: 1 },
    ]);
  });

  it('daily_messages: per side and channel', async () => {
    expect(await view(db, 'daily_messages', 'page_id, day, channel')).toEqual([
      { page_id: P1, day: '2026-03-01', channel: 'INBOX', messages: 2, customer_messages: 1, page_messages: 1, active_conversations: 1 },
      { page_id: P1, day: '2026-03-02', channel: 'COMMENT', messages: 1, customer_messages: 1, page_messages: 0, active_conversations: 1 },
      // m3, m4 (c1) + m6, m7, m8 (c3) + m9, m10 (c4)
      { page_id: P1, day: '2026-03-02', channel: 'INBOX', messages: 7, customer_messages: 3, page_messages: 4, active_conversations: 3 },
      { page_id: P2, day: '2026-03-01', channel: 'INBOX', messages: 1, customer_messages: 1, page_messages: 0, active_conversations: 1 },
    ]);
  });

  it('conversation_first_response: first customer message → first page reply after it (a page-started conversation counts from the customer)', async () => {
    const rows = await view(db, 'conversation_first_response', 'page_id, conversation_id');
    expect(rows.map((r) => [r.conversation_id, r.day, r.response_seconds, r.responder_user_id])).toEqual([
      ['c1', '2026-03-01', 300, 'e1'],
      ['c2', '2026-03-02', null, null],
      ['c3', '2026-03-02', 1800, 'e1'],
      ['c4', '2026-03-02', 600, 'e2'],
      ['c5', '2026-03-01', null, null],
    ]);
  });

  it('daily_first_response: median and p90 of the answered ones (600 and 1800 → 1200 and 1680)', async () => {
    expect(await view(db, 'daily_first_response', 'page_id, day')).toEqual([
      { page_id: P1, day: '2026-03-01', conversations: 1, answered: 1, median_response_seconds: 300, p90_response_seconds: 300 },
      { page_id: P1, day: '2026-03-02', conversations: 3, answered: 2, median_response_seconds: 1200, p90_response_seconds: 1680 },
      { page_id: P2, day: '2026-03-01', conversations: 1, answered: 0, median_response_seconds: null, p90_response_seconds: null },
    ]);
  });

  it('daily_first_response_by_employee', async () => {
    expect(await view(db, 'daily_first_response_by_employee', 'page_id, day, user_id')).toEqual([
      { page_id: P1, day: '2026-03-01', user_id: 'e1', user_name: 'Lan', answered: 1, median_response_seconds: 300, p90_response_seconds: 300 },
      { page_id: P1, day: '2026-03-02', user_id: 'e1', user_name: 'Lan', answered: 1, median_response_seconds: 1800, p90_response_seconds: 1800 },
      { page_id: P1, day: '2026-03-02', user_id: 'e2', user_name: 'Minh', answered: 1, median_response_seconds: 600, p90_response_seconds: 600 },
    ]);
  });

  it('conversations_per_assignee: answered when the latest message is the page\'s', async () => {
    expect(await view(db, 'conversations_per_assignee', 'page_id, user_id')).toEqual([
      { page_id: P1, user_id: 'e1', user_name: 'Lan', conversations: 2, answered: 1, open: 1 },
      { page_id: P1, user_id: 'e2', user_name: 'Minh', conversations: 2, answered: 2, open: 0 },
    ]);
  });

  it('daily_new_customers, daily_tag_usage and daily_calls', async () => {
    expect(await view(db, 'daily_new_customers', 'page_id, day')).toEqual([
      { page_id: P1, day: '2026-03-01', new_customers: 1 },
      { page_id: P1, day: '2026-03-02', new_customers: 1 },
      { page_id: P1, day: '2026-03-03', new_customers: 1 },
    ]);
    expect(await view(db, 'daily_tag_usage', 'page_id, day, tag_id')).toEqual([
      { page_id: P1, day: '2026-03-02', tag_id: 't1', tag_text: 'Chốt đơn', conversations: 2 },
      { page_id: P1, day: '2026-03-02', tag_id: 't2', tag_text: 'Hỏi giá', conversations: 1 },
    ]);
    expect(await view(db, 'daily_calls', 'page_id, day')).toEqual([
      { page_id: P1, day: '2026-03-01', calls: 2, completed_calls: 1, total_duration_seconds: 60, average_duration_seconds: 30 },
      { page_id: P1, day: '2026-03-02', calls: 1, completed_calls: 1, total_duration_seconds: 120, average_duration_seconds: 120 },
    ]);
  });

  it('the reader role of this database reads every table and view, including later ones, and can write nothing nor read other schemas', async () => {
    const login = `reader_${randomBytes(4).toString('hex')}`;
    await sql.raw(`create role ${login} login password 'pw' in role ${readerRoleName(new URL(database.url).pathname.slice(1))}`).execute(db);
    await sql.raw(`create schema other_stuff; create table other_stuff.secret (x int); create table pancake.added_later (id int primary key)`).execute(db);
    const url = new URL(database.url);
    url.username = login;
    url.password = 'pw';
    const reader = new pg.Client({ connectionString: url.toString() });
    await reader.connect();
    try {
      const { rows } = await reader.query<{ schema: string; name: string }>(
        `select table_schema as schema, table_name as name from information_schema.tables where table_schema in ('pancake', 'pancake_analytics')`,
      );
      expect(rows.length).toBeGreaterThan(20);
      for (const { schema, name } of rows) await reader.query(`select * from "${schema}"."${name}" limit 1`);
      await reader.query('select * from pancake.added_later');
      const denied = async (statement: string) => expect(reader.query(statement)).rejects.toThrow(/permission denied/);
      await denied(`insert into pancake.pages (id, raw) values ('x', '{}')`);
      await denied(`update pancake.conversations set snippet = 'x'`);
      await denied(`delete from pancake.messages`);
      await denied(`create table pancake.mine (x int)`);
      await denied(`create view pancake_analytics.mine as select 1`);
      await denied(`select * from other_stuff.secret`);
    } finally {
      await reader.end();
      await sql.raw(`drop owned by ${login}; drop role ${login}`).execute(db);
    }
  });
});
