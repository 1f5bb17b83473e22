import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { ANALYTICS_VIEWS } from '../../migrations/parts/analytics-views.js';
import type { ListMessagesResponse, PancakeConversation, PancakeMessage, PancakePageCustomer } from '../../src/pancake/types.js';
import { mapConversationDetails } from '../../src/sync/streams/ad-clicks.js';
import { mapConversationAssignees } from '../../src/sync/streams/conversation-bridges.js';
import { mapAssignmentEvents, mapTagEvents } from '../../src/sync/streams/conversation-histories.js';
import { mapCustomerPhones } from '../../src/sync/streams/customers.js';
import { mapMessageAttachments } from '../../src/sync/streams/message-attachments.js';
import { mapMessage } from '../../src/sync/streams/message-rows.js';
import { createDb } from '../../src/warehouse/db.js';
import { MIGRATION_SCHEMA, migrateToLatest } from '../../src/warehouse/migrate.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

// Migration 0013 brings rows stored before it up to the new rules in SQL: these must equal what the
// sync's mapping (src/sync/streams/) writes for the same records, or an upgraded warehouse would
// differ from a fresh sync.

const WA = 'wa_c.us@84901234567';
const FB = '1234567890123456';
const CONVERSATION = `wa_84901234567@c.us_62812345678@c.us`;

const conversation = {
  id: CONVERSATION,
  page_id: WA,
  type: 'INBOX',
  inserted_at: '2026-11-30T02:15:07.412000',
  tag_histories: [
    { inserted_at: '2026-11-30T02:16:40.000000', payload: { action: 'add', editor_id: 'u1', editor_name: 'Anh', tag: { id: 12, text: 'Hỏi giá' } } },
    { inserted_at: '2026-11-30T02:17:00', payload: { action: 'add', tag: { id: null, text: 'Tag removed' } } },
    'not an entry',
  ],
  assignee_histories: [
    { inserted_at: '2026-11-30T02:15:09.000000', payload: { added_users: [{ id: 'u1', name: 'Anh' }, 'u3'], removed_users: [] } },
    { inserted_at: '2026-11-30T02:58:30.000000', payload: { added_users: [{ id: 'u2', name: 'Nam' }], removed_users: [{ id: 'u1', name: 'Anh' }], editor_id: 'u1', editor_name: 'Anh' } },
    { assigned_at: '2026-11-30T03:00:00', user: { id: 'u3', name: 'Ba' }, action: 'unassign' },
  ],
} as unknown as PancakeConversation;

const messages: PancakeMessage[] = [
  { id: 'm1', conversation_id: CONVERSATION, page_id: WA, inserted_at: '2026-11-30T02:15:08', from: { id: '84901234567@c.us', name: 'Shop' }, original_message: 'Xin chào' },
  { id: 'm2', conversation_id: CONVERSATION, page_id: WA, inserted_at: '2026-11-30T02:15:21', from: { id: WA, name: 'Shop', admin_name: 'Anh', uid: 'u1', ai_generated: true }, original_message: 'Dạ còn' },
  {
    id: 'm3', conversation_id: CONVERSATION, page_id: WA, inserted_at: '2026-11-30T02:19:44', from: { id: 'wa_c.us@62812345678', name: 'Siti' }, original_message: '',
    attachments: [{ file_url: 'https://x/a.pdf', mime_type: 'application/pdf', size: '48213', name: 'a.pdf' }, { type: 'video', url: 'https://x/t.jpg', video_data: { url: 'https://x/v.mp4' } }, { type: 'photo', url: { nested: true } }, null],
  },
];

const customer = { id: 'pc1', customer_id: 'k1', phone_numbers: ['0812345678', { phone_number: '+62 812 345 678' }, ' 0812345678 ', '', { phone_number: 12345 }], inserted_at: '2026-11-30T02:15:07', updated_at: '2026-11-30T03:00:00' } as unknown as PancakePageCustomer;
const answer = { success: true, messages: [], conv_phone_numbers: ['0812345678'], recent_phone_numbers: [{ phone_number: '0899' }, '0812345678', ' 0777 '] } as unknown as ListMessagesResponse;

describe('migration 0013_pancake_names on a warehouse stored before it', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;

  beforeAll(async () => {
    database = await createTestDatabase('names_migration');
    db = createDb(database.url, 2);
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0013'));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before }, migrationTableSchema: MIGRATION_SCHEMA }).migrateToLatest();
    if (error) throw error;
    const run = (text: string, ...values: unknown[]) => sql.raw(text.replace(/\$(\d+)/g, (_, i) => `'${String(values[Number(i) - 1]).replace(/'/g, "''")}'`)).execute(db);
    await run(`insert into pancake.pages (id, name, platform, raw) values ($1, 'Shop', 'whatsapp', '{}'), ($2, 'Shop FB', 'facebook', '{}')`, WA, FB);
    await run(`insert into pancake.conversations (page_id, id, type, inserted_at, raw) values ($1, $2, 'INBOX', '2026-11-30T02:15:07Z', $3::jsonb)`, WA, CONVERSATION, JSON.stringify(conversation));
    for (const m of messages) {
      // As the version before stored them: the notice under another form of the page id a customer's, the AI reply an employee's.
      const kind = m.id === 'm1' || m.id === 'm3' ? 'customer' : 'employee';
      await run(`insert into pancake.messages (page_id, id, conversation_id, inserted_at, from_id, is_from_page, sender_kind, sender_user_id, raw) values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
        WA, m.id, CONVERSATION, `${m.inserted_at}Z`, m.from!.id, kind !== 'customer', kind, kind === 'employee' ? 'u1' : '', JSON.stringify(m));
    }
    await sql`update pancake.messages set sender_user_id = null where sender_user_id = ''`.execute(db);
    await run(`insert into pancake.customers (page_id, id, raw) values ($1, 'pc1', $2::jsonb)`, WA, JSON.stringify(customer));
    await run(`insert into pancake.conversation_details (page_id, conversation_id, phone_numbers, raw) values ($1, $2, '0812345678', $3::jsonb)`, WA, CONVERSATION, JSON.stringify(answer));
    await run(`insert into pancake.stats_engagement (page_id, day, granularity, period_start, inbox, new_customer, raw) values ($1, '2026-11-30', 'day', '2026-11-29T17:00:00Z', 4, 2, $2::jsonb)`,
      FB, JSON.stringify({ category: '30/11', inbox: 4, new_customer: 2, new_customer_replied: 3, order_count: '5', livestream: 1 }));
    await run(`insert into pancake.stats_ads (page_id, day, ad_id, period_start, ad_name, campaign_id, spend, raw) values
      ($1, '2026-11-30', 'Giày', '2026-11-29T17:00:00Z', 'Giày', null, 100, '{"name": "Giày", "spend": "100"}'),
      ($1, '2026-11-30', 'Túi', '2026-11-29T17:00:00Z', 'Túi', 'c9', 50, '{"name": "Túi", "campaign_id": "c9", "spend": "50"}'),
      ($1, '2026-11-30', '777', '2026-11-29T17:00:00Z', 'Giày', null, 10, '{"id": 777, "name": "Giày", "spend": "10"}')`, FB);
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('classifies stored messages as the sync now does: AI replies are bots, notices under another id form are the page\'s', async () => {
    const rows = await db.selectFrom('pancake.messages').select(['id', 'sender_kind', 'is_from_page', 'sender_user_id', 'ai_generated', 'is_automated']).orderBy('id').execute();
    expect(rows).toEqual(messages.map((m) => {
      const row = mapMessage(m, WA, CONVERSATION);
      return { id: m.id, sender_kind: row.sender_kind, is_from_page: row.is_from_page, sender_user_id: row.sender_user_id, ai_generated: row.ai_generated, is_automated: row.is_automated };
    }));
    expect(rows.map((r) => r.sender_kind)).toEqual(['page_notice', 'bot', 'customer']);
  });

  it('fills attachments, histories, assignees and phone numbers exactly as the streams write them', async () => {
    const attachments = await db.selectFrom('pancake.message_attachments').select(['page_id', 'message_id', 'position', 'conversation_id', 'type', 'url', 'thumbnail_url', 'mime_type', 'size', 'name', 'raw']).orderBy(['message_id', 'position']).execute();
    expect(attachments).toEqual(messages.flatMap((m) => mapMessageAttachments(m, WA, CONVERSATION)));
    const tags = await db.selectFrom('pancake.conversation_tag_events').select(['page_id', 'conversation_id', 'position', 'at', 'action', 'tag_id', 'tag_text', 'editor_id', 'editor_name', 'raw']).orderBy('position').execute();
    expect(tags).toEqual(mapTagEvents(conversation, WA));
    const assignments = await db.selectFrom('pancake.conversation_assignment_events').select(['page_id', 'conversation_id', 'position', 'user_id', 'action', 'at', 'user_name', 'editor_id', 'editor_name', 'raw']).execute();
    const byKey = (r: { position: number; user_id: string; action: string }) => `${r.position}/${r.user_id}/${r.action}`;
    expect(assignments.sort((a, b) => byKey(a).localeCompare(byKey(b)))).toEqual(mapAssignmentEvents(conversation, WA)!.sort((a, b) => byKey(a).localeCompare(byKey(b))));
    const assignees = await db.selectFrom('pancake.conversation_assignees').select(['page_id', 'conversation_id', 'user_id', 'user_name', 'raw']).execute();
    expect(assignees).toEqual(mapConversationAssignees(conversation, WA));
    expect(assignees.map((a) => a.user_id)).toEqual(['u2']);
    const phones = await db.selectFrom('pancake.customer_phone_numbers').select(['page_id', 'page_customer_id', 'phone_number', 'position', 'raw']).orderBy('position').execute();
    expect(phones).toEqual(mapCustomerPhones(customer, WA));
    const details = await db.selectFrom('pancake.conversation_details').select('phone_numbers').executeTakeFirstOrThrow();
    expect(details.phone_numbers).toBe(mapConversationDetails(answer, WA, CONVERSATION).phone_numbers);
  });

  it('keeps engagement series by their own names, and keys stored ads as the ads stream does', async () => {
    const engagement = await db.selectFrom('pancake.stats_engagement').selectAll().executeTakeFirstOrThrow();
    expect(engagement).toMatchObject({ inbox: 4, new_customer_replied: 3, order_count: 5, old_order_count: null, series: { inbox: 4, new_customer: 2, new_customer_replied: 3, order_count: '5', livestream: 1 } });
    expect(engagement).not.toHaveProperty('new_customer');
    const ads = await db.selectFrom('pancake.stats_ads').select(['ad_key', 'ad_id', 'spend']).orderBy('spend').execute();
    expect(ads).toEqual([
      { ad_key: '777', ad_id: '777', spend: '10' },
      { ad_key: 'campaign:c9/name:Túi', ad_id: null, spend: '50' },
      { ad_key: 'name:Giày', ad_id: null, spend: '100' },
    ]);
  });

  it('goes down to the schema before it (through the migrations after it) and up again', async () => {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema: MIGRATION_SCHEMA });
    const down = await migrator.migrateTo('0012_owner_only_locks');
    expect(down.error).toBeUndefined();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_schema = 'pancake' and table_name = 'stats_engagement' and column_name = 'new_customer'`.execute(db);
    expect(rows).toEqual([{ n: 1 }]);
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect((await db.selectFrom('pancake.stats_ads').select('ad_key').execute()).length).toBe(3);
  });

  it('the views come back, as currently defined, at the next migration run, and again when their definitions change', async () => {
    const views = async () => (await sql<{ name: string }>`select table_name as name from information_schema.views where table_schema = 'pancake_analytics'`.execute(db)).rows.map((r) => r.name).sort();
    // Down through 0014 drops them; kysely's own Migrator does not create them again.
    expect(await views()).toEqual([]);
    await migrateToLatest(db);
    expect(await views()).toEqual(ANALYTICS_VIEWS.map((v) => v.name).sort());
    const { rows: columns } = await sql<{ name: string; last: string }>`
      select table_name as name, (array_agg(column_name::text order by ordinal_position desc))[1] as last from information_schema.columns
      where table_schema = 'pancake_analytics' and table_name in ('daily_ads', 'daily_campaigns', 'daily_ratings') group by table_name order by 1`.execute(db);
    expect(columns).toEqual([{ name: 'daily_ads', last: 'complete' }, { name: 'daily_campaigns', last: 'complete' }, { name: 'daily_ratings', last: 'complete' }]);
    // The same definitions: a run has nothing to do (it compares checksums, not the views)...
    await sql`drop view pancake_analytics.daily_ratings`.execute(db);
    await migrateToLatest(db);
    expect(await views()).not.toContain('daily_ratings');
    // ...other definitions stored (an older version's): every view is created again.
    await sql`update pancake_private.analytics_views set checksum = 'an older version'`.execute(db);
    await migrateToLatest(db);
    expect(await views()).toEqual(ANALYTICS_VIEWS.map((v) => v.name).sort());
  });
});
