import { Migrator, sql, type Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { SUMMARY_TABLES } from '../../src/warehouse/analytics/days.js';
import { keepAnalyticsCurrent } from '../../src/warehouse/analytics/refresh-schedule.js';
import { refreshAnalytics } from '../../src/warehouse/analytics/refresh.js';
import { createDb } from '../../src/warehouse/db.js';
import { migrateToLatest, schemaStatus } from '../../src/warehouse/migrate.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createTestDatabase } from '../support/db.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// What Metabase sees of the model (comments, foreign keys, no bookkeeping in the analysts'
// schemas), and that the summaries behind the views stay exactly what a rebuild would make.

async function summaries(db: Kysely<Database>): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of SUMMARY_TABLES) {
    const { rows } = await sql.raw(`select * from pancake_private.${table} order by 1, 2, 3, 4`).execute(db);
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

async function rebuild(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ id: string; zone: string }>`select id, zone from pancake.pages order by id`.execute(db);
  for (const page of rows) {
    await sql`insert into pancake_private.analytics_dirty (page_id, source) values (${page.id}, 'rebuild')`.execute(db);
    await refreshAnalytics(db, { id: page.id, timezone: page.zone });
  }
}

describe('analytics model and summaries', () => {
  let h: SyncHarness;
  let callCenters: string;
  const sync = (extra = {}, streams: string[] | null = null) => h.sync({ streams }, { PANCAKE_CALL_CENTER_IDS: callCenters, ...extra });

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 71, pages: 2, conversationsPerPage: 40, historyDays: 30 }, 'analytics_model');
    callCenters = h.sim.data.pages.map((p) => `${p.id}:${h.sim.callCenterId(p.id)}`).join(',');
    const first = await sync();
    expect(first.exitCode).toBe(0);
  });
  afterAll(async () => h?.close());

  it('every column of pancake and pancake_analytics has a COMMENT, and neither holds migration bookkeeping', async () => {
    const { rows: undescribed } = await sql<{ name: string }>`
      select n.nspname || '.' || c.relname || '.' || a.attname as name
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('pancake', 'pancake_analytics') and c.relkind in ('r', 'v', 'm', 'p') and a.attnum > 0 and not a.attisdropped
        and coalesce(trim(col_description(c.oid, a.attnum)), '') = ''
      order by 1`.execute(h.db);
    expect(undescribed).toEqual([]);
    const { rows: bookkeeping } = await sql<{ schema: string; name: string }>`
      select table_schema as schema, table_name as name from information_schema.tables where table_name like 'kysely%' order by 1, 2`.execute(h.db);
    expect(bookkeeping).toEqual([
      { schema: 'pancake_private', name: 'kysely_migration' },
      { schema: 'pancake_private', name: 'kysely_migration_lock' },
    ]);
  });

  it('foreign keys tie what belongs to a conversation (a message, a customer) to it, so that Metabase offers the joins', async () => {
    const { rows } = await sql<{ child: string; parent: string; valid: boolean }>`
      select (select 'pancake.' || relname from pg_class where oid = c.conrelid) as child, (select 'pancake.' || relname from pg_class where oid = c.confrelid) as parent, c.convalidated as valid
      from pg_constraint c where c.contype = 'f' and c.connamespace = 'pancake'::regnamespace order by 1`.execute(h.db);
    expect(rows).toEqual([
      ...['pancake.ad_clicks', 'pancake.conversation_assignees', 'pancake.conversation_assignment_events', 'pancake.conversation_details', 'pancake.conversation_tag_events', 'pancake.conversation_tags'].map((child) => ({ child, parent: 'pancake.conversations', valid: true })),
      { child: 'pancake.customer_phone_numbers', parent: 'pancake.customers', valid: true },
      { child: 'pancake.message_attachments', parent: 'pancake.messages', valid: true },
      { child: 'pancake.messages', parent: 'pancake.conversations', valid: true },
    ]);
  });

  it('the sync keeps the summaries current: after an incremental run they equal a rebuild', async () => {
    const { rows: zones } = await sql<{ zone: string }>`select distinct zone from pancake.pages`.execute(h.db);
    expect(zones).toEqual([{ zone: 'UTC+7' }]);
    const rebuilds = sql<{ rebuilt_at: Date }>`select rebuilt_at from pancake_private.analytics_pages order by page_id`;
    const rebuiltBefore = (await rebuilds.execute(h.db)).rows;
    const [page] = h.sim.data.pages;
    const conversations = h.sim.data.conversations.get(page!.id)!;
    for (const c of conversations.slice(0, 4)) h.sim.addMessages(c.id, 3);
    h.sim.touchConversation(conversations[5]!.id);
    const tag = h.sim.data.tags.get(page!.id)![0]!;
    h.sim.addTag(conversations[6]!.id, tag.id);
    h.sim.removeTag(conversations[7]!.id, String(conversations[7]!.tags?.find((t) => t !== null)?.id ?? tag.id));
    h.sim.addConversation(page!.id);
    h.sim.addCallLog(page!.id);
    h.sim.editCustomer(conversations[8]!.customer_id!);
    const other = h.sim.data.conversations.get(h.sim.data.pages[1]!.id)!;
    for (const c of other.slice(0, 3)) h.sim.addMessages(c.id, 2);
    expect((await sync()).exitCode).toBe(0);
    const { rows: pending } = await sql<{ n: number }>`select count(*)::int as n from pancake_private.analytics_dirty`.execute(h.db);
    expect(pending).toEqual([{ n: 0 }]);
    // Refreshed in place, not rebuilt: the comparison below is incremental work against a rebuild.
    expect((await rebuilds.execute(h.db)).rows).toEqual(rebuiltBefore);
    const incremental = await summaries(h.db);
    expect(incremental.analytics_conversation_days!.length).toBeGreaterThan(0);
    await rebuild(h.db);
    expect(await summaries(h.db)).toEqual(incremental);
  });

  it('records deleted in Pancake (marked by a sweep) leave the summaries, which still equal a rebuild', async () => {
    const [page] = h.sim.data.pages;
    const conversation = h.sim.data.conversations.get(page!.id)!.find((c) => (h.sim.data.messages.get(c.id)?.length ?? 0) > 0 && (c.assignee_ids?.length ?? 0) > 0 && (c.tags ?? []).some((t) => t !== null))!;
    const customer = h.sim.data.entities.customers.get(page!.id)!.find((c) => c.id !== conversation.page_customer?.id)!;
    h.sim.deleteRecord('conversation', conversation.id);
    h.sim.deleteRecord('customer', customer.id);
    const count = async (table: string, column: string) =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`pancake_private.${table}`)} where ${sql.ref(column)} = ${conversation.id}`.execute(h.db)).rows[0]!.n;
    expect(await count('analytics_conversations', 'conversation_id')).toBe(1);
    const customerDays = async () => (await sql<{ n: number }>`select coalesce(sum(new_customer_records), 0)::int as n from pancake_private.analytics_customer_days where page_id = ${page!.id}`.execute(h.db)).rows[0]!.n;
    expect(await customerDays()).toBe((await sql<{ n: number }>`select count(*)::int as n from pancake.customers where page_id = ${page!.id} and inserted_at is not null`.execute(h.db)).rows[0]!.n);
    const perTag = async () => (await sql<{ n: number }>`select coalesce(sum(conversations), 0)::int as n from pancake_analytics.conversations_per_tag where page_id = ${page!.id}`.execute(h.db)).rows[0]!.n;
    const { rows: itsTags } = await sql<{ n: number }>`
      select count(*)::int as n from pancake.conversation_tags where page_id = ${page!.id} and conversation_id = ${conversation.id}
        and tag_id in (select tag_id from pancake_analytics.conversations_per_tag where page_id = ${page!.id})`.execute(h.db);
    expect(itsTags[0]!.n).toBeGreaterThan(0);

    expect((await h.sync({ sweep: true }, { PANCAKE_CALL_CENTER_IDS: callCenters })).exitCode).toBe(0);
    const marked = await h.db.selectFrom('pancake.conversations').select('id').where('deleted_at', 'is not', null).execute();
    expect(marked.map((r) => r.id)).toEqual([conversation.id]);
    for (const table of ['analytics_conversations', 'analytics_conversation_days', 'analytics_conversation_hours', 'analytics_assignments', 'analytics_tag_events']) {
      expect(await count(table, 'conversation_id'), table).toBe(0);
    }
    const { rows: customers } = await sql<{ n: number }>`select count(*)::int as n from pancake.customers where page_id = ${page!.id} and deleted_at is null and inserted_at is not null`.execute(h.db);
    expect(await customerDays()).toBe(customers[0]!.n);
    // Its tags are no longer counted (the view reads pancake.conversation_tags, where its rows are kept).
    const { rows: live } = await sql<{ n: number }>`
      select count(*)::int as n from pancake.conversation_tags ct
      join pancake.conversations c on c.page_id = ct.page_id and c.id = ct.conversation_id and c.deleted_at is null
      join pancake.tags t on t.page_id = ct.page_id and t.id = ct.tag_id and t.deleted_at is null and not coalesce(t.raw -> 'is_deactive' = 'true'::jsonb, false)
      where ct.page_id = ${page!.id}`.execute(h.db);
    expect(await perTag()).toBe(live[0]!.n);
    const incremental = await summaries(h.db);
    await rebuild(h.db);
    expect(await summaries(h.db)).toEqual(incremental);
  });

  it('refreshes that leave the totals for later (during a backfill) end, with the next full refresh, where a rebuild does', async () => {
    const page = h.sim.data.pages[1]!.id;
    const zone = 'UTC+7';
    const notes = async () => (await sql<{ source: string }>`select source from pancake_private.analytics_dirty where page_id = ${page} order by source`.execute(h.db)).rows.map((r) => r.source);
    const hourTotals = async () => (await sql`select * from pancake_private.analytics_hour_totals where page_id = ${page} order by day, hour, conversation_type`.execute(h.db)).rows;

    await sql`insert into pancake_private.analytics_dirty (page_id, source) values (${page}, 'rebuild')`.execute(h.db);
    expect(await refreshAnalytics(h.db, { id: page, timezone: zone }, { totals: false })).toMatchObject({ rebuilt: true, totals: false });
    expect(await hourTotals()).toEqual([]);
    expect(await notes()).toEqual(['totals']);
    await refreshAnalytics(h.db, { id: page, timezone: zone });
    const complete = await summaries(h.db);

    // A message written now (the trigger notes its conversation): its day's totals wait for a full refresh.
    const [conversation] = (await sql<{ id: string }>`select id from pancake.conversations where page_id = ${page} order by id limit 1`.execute(h.db)).rows;
    const before = await hourTotals();
    await sql`insert into pancake.messages (page_id, id, conversation_id, inserted_at, sender_kind, raw) values (${page}, 'late-1', ${conversation!.id}, now(), 'customer', '{}')`.execute(h.db);
    await sql`insert into pancake.customers (page_id, id, customer_id, inserted_at, raw) values (${page}, 'late-customer', 'late-k', now(), '{}')`.execute(h.db);
    await refreshAnalytics(h.db, { id: page, timezone: zone }, { totals: false });
    expect(await hourTotals()).toEqual(before);
    // Only the new message's day: the conversation's other days are unchanged. The customer's day
    // note names no conversation: it waits, untouched, for the refresh that redoes the totals.
    expect(await notes()).toEqual(['customers', 'days']);
    await refreshAnalytics(h.db, { id: page, timezone: zone });
    expect(await notes()).toEqual([]);
    const incremental = await summaries(h.db);
    expect(incremental).not.toEqual(complete);
    await rebuild(h.db);
    expect(await summaries(h.db)).toEqual(incremental);
  });

  it('a new zone (PANCAKE_TIMEZONE) moves every local day: the summaries are rebuilt in it', async () => {
    // The simulator's statistics keep the pages' own days, so only conversations are read here.
    expect((await sync({ PANCAKE_TIMEZONE: 'UTC' }, ['conversations', 'messages'])).failures).toEqual([]);
    const { rows } = await sql<{ zone: string; stored: string }>`select distinct p.zone, a.zone as stored from pancake.pages p join pancake_private.analytics_pages a on a.page_id = p.id`.execute(h.db);
    expect(rows).toEqual([{ zone: 'UTC', stored: 'UTC' }]);
    const { rows: shifted } = await sql`
      select * from pancake_private.analytics_conversations
      where first_customer_day is distinct from (first_customer_message_at at time zone 'UTC')::date`.execute(h.db);
    expect(shifted).toEqual([]);
  });

  it('the last refresh runs once the streams it summarizes are done, while the others (statistics) still run', async () => {
    const [page] = h.sim.data.pages;
    const [conversation] = (await sql<{ id: string }>`select id from pancake.conversations where page_id = ${page!.id} order by id limit 1`.execute(h.db)).rows;
    await sql`insert into pancake.messages (page_id, id, conversation_id, inserted_at, sender_kind, raw) values (${page!.id}, 'late-2', ${conversation!.id}, now(), 'customer', '{}')`.execute(h.db);
    let refreshed: () => void = () => {};
    const refreshedNow = new Promise<void>((resolve) => (refreshed = resolve));
    const log = pino({ level: 'debug' }, { write: (line: string) => /refreshed$/.test((JSON.parse(line) as { msg: string }).msg) && refreshed() });
    let release: () => void = () => {};
    const others = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    const run = keepAnalyticsCurrent(h.db, { id: page!.id, timezone: 'UTC' }, log, { sources: Promise.resolve('sources done'), rest: others }).then((v) => ((finished = true), v));
    await refreshedNow;
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pancake_private.analytics_dirty where page_id = ${page!.id}`.execute(h.db);
    expect(rows).toEqual([{ n: 0 }]);
    expect(finished).toBe(false);
    release();
    expect(await run).toBe('sources done');
  });

  it('a refresh that fails does not fail the sync: it says so and keeps the change notes for the next one', async () => {
    const [page] = h.sim.data.pages;
    await sql`insert into pancake_private.analytics_dirty (page_id, source) values (${page!.id}, 'rebuild')`.execute(h.db);
    const lines: Array<{ level: number; msg: string }> = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const result = await keepAnalyticsCurrent(h.db, { id: page!.id, timezone: 'Not/A_Zone' }, log, { sources: Promise.resolve('streams done') });
    expect(result).toBe('streams done');
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([expect.stringMatching(/analytics summaries of page .* were not refreshed .*time zone.*the next sync catches up/)]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pancake_private.analytics_dirty where page_id = ${page!.id}`.execute(h.db);
    expect(rows).toEqual([{ n: 1 }]);
    await refreshAnalytics(h.db, { id: page!.id, timezone: 'UTC' });
  });
});

describe('upgrading a warehouse from before 0008', () => {
  it('moves the migration bookkeeping out of pancake once and summarizes the stored history', async () => {
    const database = await createTestDatabase('analytics_upgrade');
    const db = createDb(database.url, 2);
    try {
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0006'));
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => before }, migrationTableSchema: 'pancake' }).migrateToLatest();
      if (error) throw error;
      await sql`insert into pancake.pages (id, name, timezone_offset_hours, raw) values ('p1', 'Shop', 7, '{}')`.execute(db);
      await sql`insert into pancake.conversations (page_id, id, type, inserted_at, raw) values ('p1', 'c1', 'INBOX', '2026-03-01T20:00:00Z', '{}')`.execute(db);
      await sql`insert into pancake.messages (page_id, id, conversation_id, inserted_at, sender_kind, raw) values ('p1', 'm1', 'c1', '2026-03-01T20:00:00Z', 'customer', '{}')`.execute(db);
      const old = await schemaStatus(db);
      expect(old.pending).toEqual(Object.keys(migrations).filter((name) => name >= '0006'));

      await migrateToLatest(db);
      const { rows: tables } = await sql<{ schema: string }>`select distinct table_schema as schema from information_schema.tables where table_name like 'kysely%'`.execute(db);
      expect(tables).toEqual([{ schema: 'pancake_private' }]);
      expect(await schemaStatus(db)).toEqual({ applied: Object.keys(migrations), pending: [], unknown: [] });
      // 20:00 UTC is 03:00 the next day at the page's +7.
      const { rows } = await sql`select day::text, messages from pancake_analytics.daily_messages`.execute(db);
      expect(rows).toEqual([{ day: '2026-03-02', messages: 1 }]);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
