import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAnalytics } from '../../src/warehouse/analytics/refresh.js';
import { createDb } from '../../src/warehouse/db.js';
import { readerRoleName } from '../../src/warehouse/reader-role.js';
import type { Database } from '../../src/warehouse/schema.js';
import { P1, P2, seedShop } from '../support/analytics-seed.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';

/** pg's parser of `date` values as this file found it. */
const DATE_PARSER = pg.types.getTypeParser(1082);

// The analytics views against a small shop whose answers were worked out by hand
// (test/support/analytics-seed.ts describes it). Each test of a number the 0004 views got wrong
// gives the old value in a comment: the expectation fails on the old definition.

async function view(db: Kysely<Database>, name: string, where: string, order: string, columns = '*'): Promise<Array<Record<string, unknown>>> {
  const { rows } = await sql.raw<Record<string, unknown>>(`select ${columns} from pancake_analytics.${name} where ${where} order by ${order}`).execute(db);
  // Dates as YYYY-MM-DD, numerics as numbers, so expectations read like the hand computation.
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'string' && !k.endsWith('id') && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])),
  );
}

describe('pancake_analytics views', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  const p1 = `page_id = '${P1}'`;
  const p2 = `page_id = '${P2}'`;

  beforeAll(async () => {
    database = await createMigratedDatabase('analytics');
    db = createDb(database.url, 2);
    await seedShop(db);
    await refreshAnalytics(db, { id: P1, timezone: 'UTC+7' });
    await refreshAnalytics(db, { id: P2, timezone: 'UTC' });
    // Return `date` columns as text so the local day is not shifted by the test machine's zone.
    // Process-wide: put back in afterAll, for the test files this process runs next (vitest.config.ts isolate).
    pg.types.setTypeParser(1082, (v) => v);
  });
  afterAll(async () => {
    pg.types.setTypeParser(1082, DATE_PARSER);
    await db?.destroy();
    await database?.drop();
  });

  it('every view carries the page name and channel', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.views v where table_schema = 'pancake_analytics'
        and (select count(*) from information_schema.columns c where c.table_schema = v.table_schema and c.table_name = v.table_name and c.column_name in ('page_name', 'channel')) < 2`.execute(db);
    expect(rows).toEqual([]);
    expect(await view(db, 'daily_calls', p1, 'day', 'page_name, channel')).toEqual([
      { page_name: 'Shop Một', channel: 'facebook' },
      { page_name: 'Shop Một', channel: 'facebook' },
    ]);
  });

  it('response times count employees only; bots and notices have their own columns (the old view said 5 s: the bot)', async () => {
    const [c1] = await view(db, 'conversation_first_response', `${p1} and conversation_id = 'c1'`, 'conversation_id');
    expect(c1).toMatchObject({
      day: '2026-03-02', hour: 9, answered: true, employee_response_seconds: 600, responder_user_id: 'e1', responder_name: 'Lan',
      bot_response_seconds: 5, page_notice_response_seconds: 10, page_initiated: false, opened_from_ad: false, awaiting_reply: false,
    });
    // c3 Minh after 1200 s; c4 only a bot (3 s), c6 only a notice (2 s): one answered, not three;
    // the old median over "page replies" was 3 s.
    expect(await view(db, 'daily_first_response', `${p1} and day = '2026-03-04'`, 'day')).toEqual([
      {
        page_id: P1, page_name: 'Shop Một', channel: 'facebook', day: '2026-03-04', conversation_type: 'INBOX', conversations: 3, answered: 1, unanswered: 2, page_initiated: 0,
        median_employee_response_seconds: 1200, p90_employee_response_seconds: 1200, answered_by_bot: 1, median_bot_response_seconds: 3,
        // No opening hours: business seconds are the wall-clock ones. Nothing was synced: no day is complete.
        median_employee_response_business_seconds: 1200, p90_employee_response_business_seconds: 1200, complete: false,
      },
    ]);
  });

  it('"answered" means an employee replied, in the per-assignee view too (the old one counted c4 and c6, whose last message is a bot\'s or a notice)', async () => {
    expect(await view(db, 'conversations_per_assignee', p1, 'user_id', 'user_id, user_name, conversations, answered, unanswered, awaiting_reply')).toEqual([
      { user_id: 'e1', user_name: 'Lan', conversations: 1, answered: 1, unanswered: 0, awaiting_reply: 0 },
      // c3: Minh replied, then the customer wrote last: answered and awaiting a reply (old: open, not answered).
      { user_id: 'e2', user_name: 'Minh', conversations: 3, answered: 1, unanswered: 2, awaiting_reply: 1 },
    ]);
  });

  it('page-initiated conversations are marked; the clock starts at the customer\'s first message', async () => {
    const [c7] = await view(db, 'conversation_first_response', `${p1} and conversation_id = 'c7'`, 'conversation_id');
    expect(c7).toMatchObject({ day: '2026-03-05', page_initiated: true, employee_response_seconds: 600 });
    // c8's notice came before the customer wrote: not a response.
    const [c8] = await view(db, 'conversation_first_response', `${p1} and conversation_id = 'c8'`, 'conversation_id');
    expect(c8).toMatchObject({ page_initiated: false, opened_from_ad: true, employee_response_seconds: 300, first_page_notice_at: null });
    expect(await view(db, 'daily_conversations', p1, 'day', 'day, new_conversations, customer_initiated, page_initiated, opened_from_ad, first_conversations_of_customers')).toEqual([
      { day: '2026-03-02', new_conversations: 1, customer_initiated: 1, page_initiated: 0, opened_from_ad: 0, first_conversations_of_customers: 1 },
      { day: '2026-03-04', new_conversations: 3, customer_initiated: 3, page_initiated: 0, opened_from_ad: 0, first_conversations_of_customers: 3 },
      { day: '2026-03-05', new_conversations: 1, customer_initiated: 0, page_initiated: 1, opened_from_ad: 0, first_conversations_of_customers: 1 },
      // c8 starts at its ad click (05:00:00), 13 s before the conversation's inserted_at.
      { day: '2026-03-06', new_conversations: 1, customer_initiated: 1, page_initiated: 0, opened_from_ad: 1, first_conversations_of_customers: 1 },
      // c9 is k9's first conversation; c10 is k1's second (c1 was the first).
      { day: '2026-03-07', new_conversations: 2, customer_initiated: 2, page_initiated: 0, opened_from_ad: 0, first_conversations_of_customers: 1 },
    ]);
  });

  it('deleted tags are left out; tags count on the day they were applied (the old view: every tag a conversation carries now, on its latest activity day)', async () => {
    // Old daily_tag_usage: c1 (updated 03-06 13:00 local) with tags 1 and 2, c3 (03-04) with 1, c4 with 3.
    expect(await view(db, 'daily_tags_applied', p1, 'day, tag_id', 'day, tag_id, tag_text, times_applied, times_removed, conversations_tagged')).toEqual([
      { day: '2026-02-20', tag_id: '1', tag_text: 'Chốt đơn', times_applied: 1, times_removed: 0, conversations_tagged: 1 },
      { day: '2026-03-02', tag_id: '1', tag_text: 'Chốt đơn', times_applied: 0, times_removed: 1, conversations_tagged: 0 },
      { day: '2026-03-03', tag_id: '1', tag_text: 'Chốt đơn', times_applied: 1, times_removed: 0, conversations_tagged: 1 },
      { day: '2026-03-04', tag_id: '1', tag_text: 'Chốt đơn', times_applied: 1, times_removed: 0, conversations_tagged: 1 },
    ]);
    expect(await view(db, 'daily_tags_applied_including_deleted', `${p1} and tag_deleted`, 'day, tag_id', 'day, tag_id, tag_text, times_applied')).toEqual([
      { day: '2026-03-02', tag_id: '2', tag_text: 'Hỏi giá', times_applied: 1 },
      { day: '2026-03-04', tag_id: '3', tag_text: 'Cũ', times_applied: 1 },
    ]);
    expect(await view(db, 'conversations_per_tag', p1, 'tag_id', 'tag_id, tag_text, conversations')).toEqual([{ tag_id: '1', tag_text: 'Chốt đơn', conversations: 2 }]);
  });

  it('call averages are over answered calls (old: (60 + 0 + 120) / 3 = 60 s over all calls)', async () => {
    expect(await view(db, 'daily_calls', p1, 'day', 'day, calls, answered_calls, missed_calls, inbound_calls, outbound_calls, total_talk_seconds, average_talk_seconds')).toEqual([
      { day: '2026-03-02', calls: 3, answered_calls: 2, missed_calls: 1, inbound_calls: 2, outbound_calls: 1, total_talk_seconds: 180, average_talk_seconds: 90 },
      // 17:30 UTC is 00:30 the next local day.
      { day: '2026-03-03', calls: 1, answered_calls: 1, missed_calls: 0, inbound_calls: 1, outbound_calls: 0, total_talk_seconds: 30, average_talk_seconds: 30 },
    ]);
    expect(await view(db, 'daily_calls_by_direction', `${p1} and day = '2026-03-02'`, 'direction', 'direction, calls, answered_calls, missed_calls, average_talk_seconds')).toEqual([
      { direction: 'inbound', calls: 2, answered_calls: 1, missed_calls: 1, average_talk_seconds: 60 },
      { direction: 'outbound', calls: 1, answered_calls: 1, missed_calls: 0, average_talk_seconds: 120 },
    ]);
  });

  it('both new-customer measures, each named for its definition (the old view had one number: the records)', async () => {
    expect(await view(db, 'daily_new_customers', p1, 'day', 'day, new_customer_records, new_customers_by_first_conversation')).toEqual([
      // k1's record is older than any conversation of k1
      { day: '2026-01-10', new_customer_records: 1, new_customers_by_first_conversation: 0 },
      { day: '2026-03-02', new_customer_records: 0, new_customers_by_first_conversation: 1 },
      { day: '2026-03-04', new_customer_records: 0, new_customers_by_first_conversation: 3 },
      { day: '2026-03-05', new_customer_records: 0, new_customers_by_first_conversation: 1 },
      { day: '2026-03-06', new_customer_records: 1, new_customers_by_first_conversation: 1 },
      // k9, k10 and k11 (18:00 UTC on the 6th is 01:00 local on the 7th); only k9 started a conversation.
      { day: '2026-03-07', new_customer_records: 3, new_customers_by_first_conversation: 1 },
    ]);
  });

  it('active conversations: distinct per week, where summing the days counts c1 twice', async () => {
    const days = await view(db, 'daily_messages', p1, 'day', 'day, messages, customer_messages, employee_messages, bot_messages, page_notice_messages, ad_clicks, active_conversations');
    expect(days).toEqual([
      { day: '2026-03-02', messages: 4, customer_messages: 1, employee_messages: 1, bot_messages: 1, page_notice_messages: 1, ad_clicks: 0, active_conversations: 1 },
      { day: '2026-03-03', messages: 2, customer_messages: 1, employee_messages: 1, bot_messages: 0, page_notice_messages: 0, ad_clicks: 0, active_conversations: 1 },
      { day: '2026-03-04', messages: 7, customer_messages: 4, employee_messages: 1, bot_messages: 1, page_notice_messages: 1, ad_clicks: 0, active_conversations: 3 },
      { day: '2026-03-05', messages: 3, customer_messages: 1, employee_messages: 2, bot_messages: 0, page_notice_messages: 0, ad_clicks: 0, active_conversations: 1 },
      { day: '2026-03-06', messages: 3, customer_messages: 1, employee_messages: 1, bot_messages: 0, page_notice_messages: 1, ad_clicks: 1, active_conversations: 1 },
      { day: '2026-03-07', messages: 3, customer_messages: 2, employee_messages: 1, bot_messages: 0, page_notice_messages: 0, ad_clicks: 0, active_conversations: 2 },
    ]);
    expect(days.reduce((n, d) => n + Number(d.active_conversations), 0)).toBe(9);
    expect(await view(db, 'weekly_active_conversations', p1, 'week_start', 'week_start, active_conversations, conversations_with_customer_messages, messages')).toEqual([
      { week_start: '2026-03-02', active_conversations: 8, conversations_with_customer_messages: 8, messages: 22 },
    ]);
  });

  it('medians of a week come from the week, not from averaging days (6000 and 120 average 3060; the true median is 150)', async () => {
    const daily = await view(db, 'daily_first_response_by_employee', p2, 'day', 'day, user_name, first_replies, median_response_seconds, p90_response_seconds');
    expect(daily).toEqual([
      { day: '2026-03-02', user_name: 'Hoa', first_replies: 1, median_response_seconds: 6000, p90_response_seconds: 6000 },
      // 60, 120, 180: p90 at position 1.8 → 120 + 0.8 × 60
      { day: '2026-03-03', user_name: 'Hoa', first_replies: 3, median_response_seconds: 120, p90_response_seconds: 168 },
    ]);
    expect(daily.reduce((n, d) => n + Number(d.median_response_seconds), 0) / daily.length).toBe(3060);
    expect(await view(db, 'weekly_first_response_by_employee', p2, 'week_start', 'week_start, user_name, first_replies, median_response_seconds, p90_response_seconds')).toEqual([
      // 60, 120, 180, 6000: median (120 + 180) / 2; p90 at position 2.7 → 180 + 0.7 × 5820
      { week_start: '2026-03-02', user_name: 'Hoa', first_replies: 4, median_response_seconds: 150, p90_response_seconds: 4254 },
    ]);
  });

  it('employee workload per day', async () => {
    expect(await view(db, 'employee_daily_workload', `${p1} and day <= '2026-03-04'`, 'day, user_id', 'day, user_name, assigned_active_conversations, conversations_replied, messages_sent, first_replies, median_first_response_seconds')).toEqual([
      { day: '2026-03-02', user_name: 'Lan', assigned_active_conversations: 1, conversations_replied: 1, messages_sent: 1, first_replies: 1, median_first_response_seconds: 600 },
      { day: '2026-03-03', user_name: 'Lan', assigned_active_conversations: 1, conversations_replied: 1, messages_sent: 1, first_replies: 0, median_first_response_seconds: null },
      { day: '2026-03-04', user_name: 'Minh', assigned_active_conversations: 3, conversations_replied: 1, messages_sent: 1, first_replies: 1, median_first_response_seconds: 1200 },
    ]);
  });

  it('hourly activity: local hour and weekday without writing a time zone', async () => {
    expect(await view(db, 'hourly_activity', `${p1} and day = '2026-03-02'`, 'hour', 'weekday, weekday_name, hour, messages, customer_messages, employee_messages, bot_messages, page_notice_messages, new_conversations')).toEqual([
      { weekday: 1, weekday_name: 'Monday', hour: 9, messages: 4, customer_messages: 1, employee_messages: 1, bot_messages: 1, page_notice_messages: 1, new_conversations: 1 },
    ]);
  });

  it('ads: spend against the conversations and new customers each ad brought', async () => {
    expect(await view(db, 'daily_ads', p1, 'ad_id', 'day, ad_id, ad_name, spend, conversation_openings, conversations, new_customers, cost_per_conversation, cost_per_new_customer')).toEqual([
      // c8 (new customer k8) and c1 (k1, a returning customer) opened from A1
      { day: '2026-03-06', ad_id: 'A1', ad_name: 'Xuân', spend: 150000, conversation_openings: 2, conversations: 2, new_customers: 1, cost_per_conversation: 75000, cost_per_new_customer: 150000 },
      { day: '2026-03-06', ad_id: 'A2', ad_name: 'Hè', spend: 50000, conversation_openings: 0, conversations: 0, new_customers: 0, cost_per_conversation: null, cost_per_new_customer: null },
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
