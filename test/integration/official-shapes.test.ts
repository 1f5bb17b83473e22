import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createPancakeClient } from '../../src/pancake/client.js';
import { runSync } from '../../src/sync/runner.js';
import { createDb } from '../../src/warehouse/db.js';
import { staleConversations } from '../../src/warehouse/message-state.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { REPO_ROOT, runCli } from '../support/harness.js';
import { startReplayServer, type ReplayServer } from '../support/replay-server.js';

// Issue 24's acceptance on answers shaped like Pancake's official examples (test/fixtures/official-shapes,
// README there): a WhatsApp page (a conversation without updated_at, message_count, seen, snippet or
// assignee_ids; AI and automated replies; a file without a type; a video; phone numbers as objects)
// and a Facebook page's statistics (engagement by Pancake's series names with users_engagements, ads
// without ad_id, two of one name, campaigns). They go through the client, the mapping and a sync;
// each table holds the rows stated here, and no typed column is null where the answer had a
// readable value for it.

const FIXTURES = join(REPO_ROOT, 'test/fixtures/official-shapes');
const WA = 'wa_c.us@84901234567';
const FB = '7712345678901234';
const A = 'wa_84901234567@c.us_62812345678@c.us';
const B = 'wa_84901234567@c.us_62898765432@c.us';
const U1 = '3f6c2a1e-7b4d-4c8e-9a21-5d0e8f7b6c31';
const U2 = '8a0d4e62-1c3b-4f5a-b7e9-2c6d9e1f0a47';
const read = <T>(path: string): T => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as T;
// One local day of the pages' zone (UTC+7): 2026-11-30.
const RANGE = ['--since', '2026-11-29T17:00:00Z', '--until', '2026-11-30T17:00:00Z'];

/** Where each typed column comes from in its row's `raw`: a column must not be null when that place holds a readable value. */
const SOURCES: Record<string, Record<string, string[]>> = {
  conversations: {
    type: ['type'], customer_id: ['customer_id'], customer_name: ['page_customer.name'], customer_psid: ['page_customer.psid'], inserted_at: ['inserted_at'], updated_at: ['updated_at'],
    message_count: ['message_count'], snippet: ['snippet'], seen: ['seen'], has_phone: ['has_phone'], last_sent_by_id: ['last_sent_by.id'],
  },
  messages: {
    inserted_at: ['inserted_at'], from_id: ['from.id'], from_name: ['from.name'], sender_admin_name: ['from.admin_name'], ai_generated: ['from.ai_generated'], is_automated: ['from.is_automated'],
    text: ['original_message'], type: ['type'], has_phone: ['has_phone'], is_hidden: ['is_hidden'], is_removed: ['is_removed'],
  },
  message_attachments: { type: ['type'], url: ['video_data.url', 'url', 'file_url'], mime_type: ['mime_type'], size: ['size'], name: ['name'] },
  customers: { customer_id: ['customer_id'], psid: ['psid'], thread_id: ['thread_id'], name: ['name'], gender: ['gender'], lives_in: ['lives_in'], can_inbox: ['can_inbox'], inserted_at: ['inserted_at'], updated_at: ['updated_at'] },
  conversation_tag_events: { at: ['inserted_at'], action: ['payload.action'], tag_id: ['payload.tag.id'], tag_text: ['payload.tag.text'], editor_id: ['payload.editor_id'], editor_name: ['payload.editor_name'] },
  conversation_assignment_events: { at: ['inserted_at'], editor_id: ['payload.editor_id'], editor_name: ['payload.editor_name'] },
  stats_engagement: { inbox: ['inbox'], comment: ['comment'], total: ['total'], new_customer_replied: ['new_customer_replied'], order_count: ['order_count'], old_order_count: ['old_order_count'] },
  stats_users_engagements: {
    user_name: ['name'], inbox_count: ['inbox_count'], comment_count: ['comment_count'], total_engagement: ['total_engagement'], customer_engagement_new_inbox: ['customer_engagement_new_inbox'],
    new_customer_replied_count: ['new_customer_replied_count'], order_count: ['order_count'], old_order_count: ['old_order_count'],
  },
  stats_ads: { ad_name: ['name'], status: ['status'], currency: ['currency'], reach: ['reach'], impressions: ['impressions'], spend: ['spend'], clicks: ['clicks', 'link_click'] },
  stats_campaigns: {
    campaign_id: ['id'], campaign_name: ['name'], account_id: ['account_id'], adset_id: ['adset_id'], ad_id: ['ad_id'], status: ['status'], currency: ['currency'], daily_budget: ['daily_budget'],
    lifetime_budget: ['lifetime_budget'], budget_remaining: ['budget_remaining'], spend: ['spend'], ctr: ['ctr'], cpc: ['cpc'], cpm: ['cpm'], purchases: ['purchases'], impressions: ['impressions'],
    reach: ['reach'], clicks: ['link_click', 'clicks'],
  },
  stats_pages: Object.fromEntries(
    ['new_customer_count', 'customer_inbox_count', 'customer_comment_count', 'page_inbox_count', 'page_comment_count', 'phone_number_count', 'uniq_phone_number_count', 'new_inbox_count', 'inbox_interactive_count', 'today_uniq_website_referral', 'today_website_guest_referral', 'order_count'].map((c) => [c, [c]]),
  ),
};

const at = (value: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
const readable = (value: unknown) => (typeof value === 'string' && value.trim() !== '') || typeof value === 'number' || typeof value === 'boolean';

describe('answers shaped like the official examples', () => {
  let replay: ReplayServer;
  let database: TestDatabase;
  let db: Kysely<Database>;
  const env = () => ({ DATABASE_URL: database.url, PANCAKE_BASE_URL: replay.baseUrl, PANCAKE_ACCESS_TOKEN: replay.userToken, SYNC_SAFETY_LAG: '0s', PANCAKE_RATE_LIMIT: '1000', LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    replay = await startReplayServer([join(FIXTURES, 'whatsapp'), join(FIXTURES, 'facebook')]);
    database = await createMigratedDatabase('official_shapes');
    db = createDb(database.url, 4);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
    await replay?.close();
  });

  it('the client reads every answer, the conversation without updated_at included', async () => {
    const client = createPancakeClient({ baseUrl: replay.baseUrl, accessToken: replay.userToken, rateLimit: 1000 });
    await client.generatePageAccessToken(WA);
    await client.generatePageAccessToken(FB);
    const conversations = await client.listConversations(WA, { lastConversationId: null });
    expect(conversations.map((c) => [c.id, c.updated_at ?? null])).toEqual([[B, '2026-11-30T06:49:03.251000'], [A, null]]);
    const messages = await client.listMessages(WA, A);
    expect(messages.messages).toHaveLength(8);
    const day = { since: new Date('2026-11-29T17:00:00Z'), until: new Date('2026-11-30T16:59:59Z') };
    const engagement = await client.getEngagementStatistics(FB, { dateRange: day, timezone: 'UTC+7' });
    expect(engagement.users_engagements?.map((u) => u.user_id)).toHaveLength(2);
    expect((await client.getAdsStatistics(FB, { ...day, type: 'by_id' })).every((ad) => ad.ad_id === undefined)).toBe(true);
    expect(await client.getCampaignStatistics(FB, day)).toHaveLength(3);
  });

  it('a sync stores each table as stated, and no typed column is null where the answer had a value', async () => {
    const config = parseConfig(env());
    const client = createPancakeClient({ baseUrl: config.baseUrl, accessToken: config.accessToken ?? '', rateLimit: config.rateLimitPerSecond, retries: 0 });
    const since = new Date(RANGE[1]!);
    const until = new Date(RANGE[3]!);
    const summary = await runSync({ config, db, client, log: silentLogger }, { since, until });
    expect(summary.exitCode).toBe(0);

    // WhatsApp: both conversations, the bare one with its optional fields null.
    const conversations = await db.selectFrom('pancake.conversations').select(['id', 'updated_at', 'message_count', 'snippet', 'seen', 'customer_psid']).orderBy('id').execute();
    expect(conversations).toEqual([
      { id: A, updated_at: null, message_count: null, snippet: null, seen: null, customer_psid: '62812345678@c.us' },
      { id: B, updated_at: new Date('2026-11-30T06:49:03.251Z'), message_count: 2, snippet: 'Dạ shop gửi anh mẫu mới nhé', seen: true, customer_psid: '62898765432@c.us' },
    ]);

    // Messages: the page's notice under another form of its id is the page's; AI and automated
    // replies are bots that keep the employee account they were sent under.
    const messages = await db.selectFrom('pancake.messages').select(['id', 'sender_kind', 'sender_user_id', 'ai_generated', 'is_automated', 'attachment_count']).orderBy('id').execute();
    expect(messages.map((m) => [m.id, m.sender_kind, m.sender_user_id, m.ai_generated, m.is_automated])).toEqual([
      ['m_wa_0001', 'customer', null, null, null],
      ['m_wa_0002', 'page_notice', null, null, null],
      ['m_wa_0003', 'bot', U1, true, null],
      ['m_wa_0004', 'customer', null, null, null],
      ['m_wa_0005', 'employee', U1, false, null],
      ['m_wa_0006', 'employee', U1, null, null],
      ['m_wa_0007', 'bot', U2, null, true],
      ['m_wa_0008', 'customer', null, null, null],
      ['m_wa_0101', 'customer', null, null, null],
      ['m_wa_0102', 'employee', U2, null, null],
    ]);
    const attachments = await db.selectFrom('pancake.message_attachments').select(['message_id', 'position', 'type', 'url', 'thumbnail_url', 'mime_type', 'size', 'name']).orderBy('message_id').execute();
    expect(attachments).toEqual([
      { message_id: 'm_wa_0004', position: 1, type: 'file', url: 'https://content.pancake.vn/wa/files/bang-size.pdf', thumbnail_url: null, mime_type: 'application/pdf', size: '48213', name: 'bang-size.pdf' },
      { message_id: 'm_wa_0006', position: 1, type: 'video', url: 'https://content.pancake.vn/wa/videos/giay-da-nau.mp4', thumbnail_url: 'https://content.pancake.vn/wa/thumbs/giay-da-nau.jpg', mime_type: null, size: null, name: null },
    ]);

    // Histories as events; the assignees of conversations without assignee_ids come from them.
    const tagEvents = await db.selectFrom('pancake.conversation_tag_events').select(['conversation_id', 'position', 'action', 'tag_id', 'editor_id']).orderBy('position').execute();
    expect(tagEvents.map((e) => [e.conversation_id, e.position, e.action, e.tag_id, e.editor_id])).toEqual([
      [A, 1, 'add', '12', U1],
      [A, 2, 'add', '15', U1],
      [A, 3, 'remove', '15', U2],
    ]);
    const assignmentEvents = await db.selectFrom('pancake.conversation_assignment_events').select(['conversation_id', 'position', 'user_id', 'action', 'at']).orderBy(['conversation_id', 'position', 'action']).execute();
    expect(assignmentEvents.map((e) => [e.conversation_id, e.position, e.user_id, e.action, e.at?.toISOString()])).toEqual([
      [A, 1, U1, 'assigned', '2026-11-30T02:15:09.000Z'],
      [A, 2, U2, 'assigned', '2026-11-30T02:58:30.000Z'],
      [A, 2, U1, 'unassigned', '2026-11-30T02:58:30.000Z'],
      [B, 1, U2, 'assigned', '2026-11-30T06:42:10.000Z'],
    ]);
    const assignees = await db.selectFrom('pancake.conversation_assignees').select(['conversation_id', 'user_id', 'user_name']).orderBy('conversation_id').execute();
    expect(assignees).toEqual([
      { conversation_id: A, user_id: U2, user_name: 'Lê Hoàng Nam' },
      { conversation_id: B, user_id: U2, user_name: 'Lê Hoàng Nam' },
    ]);

    // Phone numbers: every one of a customer's (objects too), and the messages answer's objects.
    const phones = await db.selectFrom('pancake.customer_phone_numbers').select(['page_customer_id', 'phone_number', 'position']).orderBy('position').execute();
    expect(phones).toEqual([
      { page_customer_id: 'b1d7c2a4-6e0f-4d3b-8c5a-9f2e1d0c7b64', phone_number: '0812345678', position: 1 },
      { page_customer_id: 'b1d7c2a4-6e0f-4d3b-8c5a-9f2e1d0c7b64', phone_number: '+62 812 345 678', position: 2 },
    ]);
    const details = await db.selectFrom('pancake.conversation_details').select(['conversation_id', 'phone_numbers']).where('conversation_id', '=', A).execute();
    expect(details).toEqual([{ conversation_id: A, phone_numbers: '0812345678,+62 812 345 678' }]);

    // Statistics of the Facebook page, by Pancake's own names.
    const engagement = await db.selectFrom('pancake.stats_engagement').selectAll().where('granularity', '=', 'day').execute();
    expect(engagement.map((r) => [r.page_id, r.inbox, r.comment, r.total, r.new_customer_replied, r.order_count, r.old_order_count, r.series])).toEqual([
      [FB, 46, 9, 55, 11, 7, 2, { inbox: 46, comment: 9, total: 55, new_customer_replied: 11, order_count: 7, old_order_count: 2, customer_engagement_new_inbox: 13 }],
    ]);
    expect(await db.selectFrom('pancake.stats_engagement').select('hour').where('granularity', '=', 'hour').execute()).toHaveLength(24);
    const users = await db.selectFrom('pancake.stats_users_engagements').select(['user_name', 'total_engagement', 'order_count', 'measures']).orderBy('total_engagement').execute();
    expect(users.map((u) => [u.user_name, u.total_engagement, u.order_count])).toEqual([['Đỗ Quang Huy', 18, 2], ['Phạm Thu Trang', 37, 5]]);
    expect(users[0]!.measures).toMatchObject({ unreplied_count: 2 });
    const ads = await db.selectFrom('pancake.stats_ads').select(['ad_key', 'ad_id', 'ad_name', 'spend', 'clicks']).orderBy('ad_key').execute();
    expect(ads).toEqual([
      { ad_key: 'name:Giày da mùa đông', ad_id: null, ad_name: 'Giày da mùa đông', spend: '184000', clicks: '41' },
      { ad_key: 'name:Giày da mùa đông#2', ad_id: null, ad_name: 'Giày da mùa đông', spend: '96000', clicks: '17' },
      { ad_key: 'name:Túi xách công sở', ad_id: null, ad_name: 'Túi xách công sở', spend: '41500.5', clicks: '6' },
    ]);
    const campaigns = await db.selectFrom('pancake.stats_campaigns').select(['campaign_key', 'campaign_id', 'ad_id', 'spend', 'clicks', 'daily_budget', 'purchases']).orderBy('campaign_key').execute();
    expect(campaigns).toEqual([
      { campaign_key: '23851000000001/adset:23851000000011/ad:23851000000101', campaign_id: '23851000000001', ad_id: '23851000000101', spend: '184000', clicks: '41', daily_budget: '500000', purchases: '3' },
      { campaign_key: '23851000000001/adset:23851000000011/ad:23851000000102', campaign_id: '23851000000001', ad_id: '23851000000102', spend: '96000', clicks: '17', daily_budget: '500000', purchases: '1' },
      { campaign_key: '23851000000002/adset:23851000000021/ad:23851000000201', campaign_id: '23851000000002', ad_id: '23851000000201', spend: '41500.5', clicks: '6', daily_budget: '150000', purchases: '0' },
    ]);
    expect((await db.selectFrom('pancake.stats_pages').select('order_count').orderBy('period_start').execute()).map((r) => r.order_count)).toEqual([4, 3]);

    // No typed column is null where its place in raw holds a readable value.
    const nulls: string[] = [];
    for (const [table, columns] of Object.entries(SOURCES)) {
      const { rows } = await sql.raw<Record<string, unknown>>(`select * from pancake.${table}`).execute(db);
      expect(rows.length, table).toBeGreaterThan(0);
      for (const row of rows) {
        for (const [column, paths] of Object.entries(columns)) {
          if (row[column] === null && paths.some((p) => readable(at(row.raw, p)))) nulls.push(`${table}.${column} (${JSON.stringify(row.raw).slice(0, 80)})`);
        }
      }
    }
    expect(nulls).toEqual([]);
  });

  it('a conversation without updated_at has its messages fetched again only when its record changes', async () => {
    const stale = async () => (await staleConversations(db, WA, null, 10)).map((c) => c.id);
    expect(await stale()).toEqual([]);
    // The record changed (a new tag, say): the conversations stream rewrites its row.
    await sql`update pancake.conversations set raw = raw || '{"seen": false}'::jsonb, synced_at = now() + interval '1 second' where id = ${A}`.execute(db);
    expect(await stale()).toEqual([A]);
  });

  it('the views: the employee\'s first response, not the AI\'s; tags from the events; campaigns', async () => {
    const response = await sql<{ first_employee_reply_at: Date; first_bot_reply_at: Date; responder_user_id: string }>`
      select first_employee_reply_at, first_bot_reply_at, responder_user_id from pancake_analytics.conversation_first_response where conversation_id = ${A}`.execute(db);
    expect(response.rows).toEqual([{ first_employee_reply_at: new Date('2026-11-30T02:31:02.877Z'), first_bot_reply_at: new Date('2026-11-30T02:15:21.530Z'), responder_user_id: U1 }]);
    const tags = await sql<{ tag_id: string; times_applied: number; times_removed: number }>`
      select tag_id, times_applied, times_removed from pancake_analytics.daily_tags_applied where page_id = ${WA} and day = '2026-11-30' order by tag_id`.execute(db);
    expect(tags.rows).toEqual([
      { tag_id: '12', times_applied: 1, times_removed: 0 },
      { tag_id: '15', times_applied: 1, times_removed: 1 },
    ]);
    const campaigns = await sql<{ campaign_key: string; spend: string; clicks: string }>`
      select campaign_key, spend, clicks from pancake_analytics.daily_campaigns where page_id = ${FB} order by campaign_key`.execute(db);
    expect(campaigns.rows).toEqual([
      { campaign_key: '23851000000001', spend: '280000', clicks: '58' },
      { campaign_key: '23851000000002', spend: '41500.5', clicks: '6' },
    ]);
  });

  it('doctor warns about the official optional fields and rejects nothing', async () => {
    const result = await runCli(['doctor', '--json', '--since', '2026-11-01'], { ...env(), LOG_LEVEL: 'warn' });
    const report = JSON.parse(result.stdout) as { rows: Array<{ pageId: string; stream: string; status: string; detail: string }> };
    const conversations = report.rows.find((r) => r.pageId === WA && r.stream === 'conversations')!;
    expect(conversations.status).toBe('warning');
    expect(conversations.detail).toMatch(/updated_at is missing: optional in Pancake's description/);
    expect(report.rows.filter((r) => r.status === 'unexpected answer')).toEqual([]);
  });
});
