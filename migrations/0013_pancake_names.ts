import { sql, type Kysely } from 'kysely';
import { NAMES_COMMENTS } from './parts/names-comments.js';
import { ASSIGNMENT_EVENTS, ASSIGNEES_FROM_HISTORY, ATTACHMENTS, CUSTOMER_PHONES, DETAIL_PHONES, TAG_EVENTS, channelCore, jsonInt } from './parts/names-backfill.js';

// Pancake's own names (docs/pancake-api.md, "Fields"): engagement series by the names the answer
// gives (the invented new_customer / new_customer_from_inbox columns go), users_engagements as a
// table, ads keyed so that two ads of one name stay two rows, campaigns and customer ratings, AI and
// automated replies told from employees, every attachment and phone number typed, and the tag and
// assignment histories as event tables that the tag views now read (the views, daily_campaigns and
// daily_ratings among them, are defined in migrations/parts/analytics-views.ts and created after
// the migration run, as every view is). Rows stored before are brought
// up to the new rules here (src/sync/streams/*.ts apply them to new rows), so no re-sync is needed.

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

const TABLES = [
  `create table pancake.stats_users_engagements (
     page_id text not null,
     day date not null,
     user_id text not null,
     period_start timestamptz not null,
     user_name text,
     inbox_count integer,
     comment_count integer,
     total_engagement integer,
     customer_engagement_new_inbox integer,
     new_customer_replied_count integer,
     order_count integer,
     old_order_count integer,
     measures jsonb not null,
     raw jsonb not null,
     synced_at timestamptz not null default now(),
     primary key (page_id, day, user_id)
   )`,
  `create table pancake.stats_campaigns (
     page_id text not null,
     day date not null,
     campaign_key text not null,
     period_start timestamptz not null,
     campaign_id text,
     campaign_name text,
     account_id text,
     adset_id text,
     ad_id text,
     status text,
     currency text,
     daily_budget numeric,
     lifetime_budget numeric,
     budget_remaining numeric,
     spend numeric,
     ctr numeric,
     cpc numeric,
     cpm numeric,
     purchases numeric,
     results numeric,
     impressions bigint,
     reach bigint,
     clicks bigint,
     raw jsonb not null,
     synced_at timestamptz not null default now(),
     primary key (page_id, day, campaign_key)
   )`,
  `create table pancake.stats_customer_feedbacks (
     page_id text not null,
     day date not null,
     rating smallint not null check (rating between 1 and 5),
     period_start timestamptz not null,
     feedbacks integer,
     raw jsonb not null,
     synced_at timestamptz not null default now(),
     primary key (page_id, day, rating)
   )`,
  `create table pancake.message_attachments (
     page_id text not null,
     message_id text not null,
     position integer not null,
     conversation_id text not null,
     type text,
     url text,
     thumbnail_url text,
     mime_type text,
     size bigint,
     name text,
     raw jsonb not null,
     synced_at timestamptz not null default now(),
     primary key (page_id, message_id, position)
   )`,
  `create table pancake.conversation_tag_events (
     page_id text not null,
     conversation_id text not null,
     position integer not null,
     at timestamptz,
     action text,
     tag_id text,
     tag_text text,
     editor_id text,
     editor_name text,
     raw jsonb not null,
     synced_at timestamptz not null default now(),
     primary key (page_id, conversation_id, position)
   )`,
  `create index conversation_tag_events_at_idx on pancake.conversation_tag_events (page_id, at)`,
  `create table pancake.conversation_assignment_events (
     page_id text not null,
     conversation_id text not null,
     position integer not null,
     user_id text not null,
     action text not null check (action in ('assigned', 'unassigned')),
     at timestamptz,
     user_name text,
     editor_id text,
     editor_name text,
     raw jsonb not null,
     synced_at timestamptz not null default now(),
     primary key (page_id, conversation_id, position, user_id, action)
   )`,
  `create index conversation_assignment_events_user_idx on pancake.conversation_assignment_events (page_id, user_id, at)`,
  `create table pancake.customer_phone_numbers (
     page_id text not null,
     page_customer_id text not null,
     phone_number text not null,
     position integer not null,
     raw jsonb not null,
     synced_at timestamptz not null default now(),
     primary key (page_id, page_customer_id, phone_number)
   )`,
  `create index customer_phone_numbers_phone_idx on pancake.customer_phone_numbers (page_id, phone_number)`,
];

// Written in the same statement as their parent row (src/sync/streams/), so the parent is always there.
const FOREIGN_KEYS: Array<[table: string, name: string, columns: string, parent: string]> = [
  ['conversation_tag_events', 'conversation_tag_events_conversation_fkey', 'page_id, conversation_id', 'conversations (page_id, id)'],
  ['conversation_assignment_events', 'conversation_assignment_events_conversation_fkey', 'page_id, conversation_id', 'conversations (page_id, id)'],
  ['message_attachments', 'message_attachments_message_fkey', 'page_id, message_id', 'messages (page_id, id)'],
  ['customer_phone_numbers', 'customer_phone_numbers_customer_fkey', 'page_id, page_customer_id', 'customers (page_id, id)'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const run = (statement: string) => sql.raw(statement).execute(db);

  // Engagement series by their own names: the columns named after the simulator's guesses go (their
  // values stay in raw), the names Pancake uses come, and `series` keeps every one.
  await run(`alter table pancake.stats_engagement add column new_customer_replied integer, add column order_count integer, add column old_order_count integer, add column series jsonb`);
  await run(`update pancake.stats_engagement set series = raw - 'category', new_customer_replied = ${jsonInt("raw->'new_customer_replied'")}, order_count = ${jsonInt("raw->'order_count'")}, old_order_count = ${jsonInt("raw->'old_order_count'")}`);
  await run(`alter table pancake.stats_engagement alter column series set not null, drop column new_customer, drop column new_customer_from_inbox`);
  await run(`alter table pancake.stats_pages add column order_count integer`);
  await run(`update pancake.stats_pages set order_count = ${jsonInt("raw->'order_count'")} where raw ? 'order_count'`);

  // Ads keyed by ad_key: an ad without an id was keyed by its name, so its key becomes the name's
  // key (src/sync/streams/statistics/ads.ts) and its ad_id null.
  await run(`alter table pancake.stats_ads add column ad_key text`);
  await run(`update pancake.stats_ads set ad_key = ad_id where raw->>'ad_id' is not null or raw->>'id' is not null`);
  await run(`alter table pancake.stats_ads drop constraint stats_ads_pkey, alter column ad_id drop not null`);
  await run(`
    update pancake.stats_ads set ad_id = null, ad_key = coalesce(nullif(concat_ws('/', 'campaign:' || nullif(campaign_id, ''), 'adset:' || nullif(adset_id, ''), 'name:' || nullif(ad_name, '')), ''), 'name:')
    where ad_key is null`);
  await run(`alter table pancake.stats_ads alter column ad_key set not null, add primary key (page_id, day, ad_key)`);
  await run(`create index stats_ads_ad_idx on pancake.stats_ads (page_id, ad_id) where ad_id is not null`);

  // Statements without parameters go together: a fresh warehouse (every test's) migrates in fewer round trips.
  await run(TABLES.join(';\n'));

  // AI and automated replies: bots, under the employee account they were sent from. Page-side items
  // of other channels whose from.id is another form of the page id (WhatsApp's `84…@c.us` for
  // `wa_c.us@84…`) were read as customers': they are the page's notices.
  await run(`alter table pancake.messages add column ai_generated boolean, add column is_automated boolean`);
  await run(`
    update pancake.messages set
      ai_generated = case when jsonb_typeof(raw->'from'->'ai_generated') = 'boolean' then (raw->'from'->>'ai_generated')::boolean end,
      is_automated = case when jsonb_typeof(raw->'from'->'is_automated') = 'boolean' then (raw->'from'->>'is_automated')::boolean end
    where raw->'from' ? 'ai_generated' or raw->'from' ? 'is_automated'`);
  await run(`update pancake.messages set sender_kind = 'bot' where sender_kind = 'employee' and (ai_generated or is_automated)`);
  await run(`
    update pancake.messages set sender_kind = 'page_notice', is_from_page = true
    where sender_kind = 'customer' and from_id <> page_id and ${channelCore('from_id')} = ${channelCore('page_id')}`);

  await run([ATTACHMENTS, TAG_EVENTS, ASSIGNMENT_EVENTS, ASSIGNEES_FROM_HISTORY, CUSTOMER_PHONES, DETAIL_PHONES].join(';\n'));
  await run(FOREIGN_KEYS.map(([table, name, columns, parent]) => `alter table pancake.${table} add constraint ${name} foreign key (${columns}) references pancake.${parent}`).join(';\n'));

  await run(NAMES_COMMENTS.map(([target, text]) => `comment on ${target} is ${quote(text)}`).join(';\n'));
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const run = (statement: string) => sql.raw(statement).execute(db);
  // No view may depend on the columns that go (0014's down drops them; this covers a warehouse
  // that 0013 left with views): the next migration run creates them again.
  const { rows } = await sql<{ name: string }>`select quote_ident(table_name) as name from information_schema.views where table_schema = 'pancake_analytics'`.execute(db);
  if (rows.length > 0) await run(`drop view ${rows.map((r) => `pancake_analytics.${r.name}`).join(', ')}`);
  await run(`drop table pancake.stats_users_engagements, pancake.stats_campaigns, pancake.stats_customer_feedbacks, pancake.message_attachments, pancake.conversation_tag_events, pancake.conversation_assignment_events, pancake.customer_phone_numbers`);
  await run(`update pancake.messages set sender_kind = 'employee' where sender_kind = 'bot' and (ai_generated or is_automated) and raw->'from'->'flow_id' is null`);
  await run(`alter table pancake.messages drop column ai_generated, drop column is_automated`);
  await run(`drop index pancake.stats_ads_ad_idx`);
  await run(`delete from pancake.stats_ads a using pancake.stats_ads b where a.ad_id is null and b.ad_id is null and a.page_id = b.page_id and a.day = b.day and a.ad_name = b.ad_name and a.ad_key > b.ad_key`);
  await run(`update pancake.stats_ads set ad_id = coalesce(ad_id, ad_name, ad_key)`);
  await run(`alter table pancake.stats_ads drop constraint stats_ads_pkey, alter column ad_id set not null, drop column ad_key, add primary key (page_id, day, ad_id)`);
  await run(`alter table pancake.stats_pages drop column order_count`);
  await run(`alter table pancake.stats_engagement add column new_customer integer, add column new_customer_from_inbox integer`);
  await run(`update pancake.stats_engagement set new_customer = ${jsonInt("raw->'new_customer'")}, new_customer_from_inbox = ${jsonInt("raw->'new_customer_from_inbox'")}`);
  await run(`alter table pancake.stats_engagement drop column new_customer_replied, drop column order_count, drop column old_order_count, drop column series`);
}
