import { sql, type Kysely } from 'kysely';

// The summaries 0014_inquiries adds behind the pancake_analytics views (schema pancake_private):
// inquiries (a customer message that opens a conversation or follows a silence), the queue of
// conversations waiting for an employee, business seconds, and day totals that the whole-view
// scans read instead of aggregating per-conversation rows. Frozen with the migration like any DDL.

const FUNCTIONS = [
  // Seconds of [a, b) (seconds since Monday 00:00) that fall in the opening hours.
  `create function pancake_private.week_overlap(hours nummultirange, a numeric, b numeric) returns numeric language sql immutable parallel safe as $$
     select coalesce(sum(upper(r) - lower(r)), 0) from unnest(hours * nummultirange(numrange(a, greatest(a, b)))) r
   $$`,
  // Seconds from one instant to a later one, counting only the page's opening hours on its local
  // clock; with no hours (always open) exactly the wall-clock seconds, rounded as every response time.
  `create function pancake_private.business_seconds(from_at timestamptz, to_at timestamptz, zone text, hours nummultirange) returns numeric language sql immutable parallel safe as $$
     select case
       when from_at is null or to_at is null then null
       when hours is null then round(extract(epoch from (to_at - from_at))::numeric, 3)
       when to_at <= from_at then 0
       else (
         select round(case when w.weeks = 0 then pancake_private.week_overlap(hours, w.a, w.b)
                      else pancake_private.week_overlap(hours, w.a, 604800) + (w.weeks - 1) * pancake_private.week_overlap(hours, 0, 604800)
                           + pancake_private.week_overlap(hours, 0, w.b) end, 3)
         from (
           select extract(epoch from l.a - date_trunc('week', l.a))::numeric as a, extract(epoch from l.b - date_trunc('week', l.b))::numeric as b,
                  (date_trunc('week', l.b)::date - date_trunc('week', l.a)::date) / 7 as weeks
           from (select pancake_private.local_time(from_at, zone) as a, pancake_private.local_time(to_at, zone) as b) l
         ) w)
     end
   $$`,
  // The whole local days inside a covered range [covered_from, watermark): the first day that starts
  // at or after covered_from, the last day that ends at or before the watermark.
  `create function pancake_private.first_covered_day(covered_from timestamptz, zone text) returns date language sql immutable parallel safe as $$
     select d + (pancake_private.local_start(d, zone) < covered_from)::int from (select pancake_private.local_time(covered_from, zone)::date as d) x
   $$`,
  `create function pancake_private.last_covered_day(watermark timestamptz, zone text) returns date language sql immutable parallel safe as $$
     select pancake_private.local_time(watermark, zone)::date - 1
   $$`,
];

/** The streams whose covered days analytics_pages records (src/warehouse/analytics/coverage.ts). */
const COVERED = ['inbox', 'customers', 'calls', 'ads', 'campaigns', 'ratings'];

const PERIOD = `period text not null check (period in ('day', 'week', 'month'))`;

const CHANGES = [
  `alter table pancake_private.analytics_pages
     add column inquiry_gap_seconds integer not null default 86400,
     add column business_hours nummultirange,
     ${COVERED.flatMap((s) => [`add column ${s}_first_day date`, `add column ${s}_last_day date`]).join(', ')},
     add column covered_at timestamptz`,
  // Response times stored, not computed per row: a whole-view scan of 60 000 conversations spent
  // most of its time in extract(epoch ...).
  `alter table pancake_private.analytics_conversations
     add column employee_response_seconds numeric,
     add column bot_response_seconds numeric,
     add column page_notice_response_seconds numeric,
     add column employee_response_business_seconds numeric,
     add column awaiting_reply_since timestamptz,
     add column messages_pending_at timestamptz`,
  `create index analytics_conversations_pending_idx on pancake_private.analytics_conversations (page_id, messages_pending_at) where messages_pending_at is not null`,
  `create table pancake_private.analytics_waiting (
     page_id text not null,
     conversation_id text not null,
     conversation_type text not null,
     customer_id text,
     waiting_since timestamptz not null,
     last_customer_message_at timestamptz not null,
     customer_messages integer not null,
     last_employee_reply_at timestamptz,
     bot_replied boolean not null,
     assignee_ids text[] not null,
     assignee_names text[] not null,
     tag_ids text[] not null,
     tag_texts text[] not null,
     primary key (page_id, conversation_id)
   )`,
  `create index analytics_waiting_since_idx on pancake_private.analytics_waiting (page_id, waiting_since)`,
  `create table pancake_private.analytics_inquiries (
     page_id text not null,
     conversation_id text not null,
     inquiry_at timestamptz not null,
     inquiry_number integer not null,
     conversation_type text not null,
     customer_id text,
     day date not null,
     hour smallint not null,
     previous_customer_message_at timestamptz,
     silence_seconds numeric,
     first_employee_reply_at timestamptz,
     responder_user_id text,
     responder_name text,
     employee_response_seconds numeric,
     employee_response_business_seconds numeric,
     first_bot_reply_at timestamptz,
     bot_response_seconds numeric,
     primary key (page_id, conversation_id, inquiry_at)
   )`,
  `create index analytics_inquiries_day_idx on pancake_private.analytics_inquiries (page_id, day)`,
  // Day totals (and week and month ones) that whole-view scans read as they are.
  `alter table pancake_private.analytics_period_activity drop constraint analytics_period_activity_period_check,
     add constraint analytics_period_activity_period_check check (period in ('day', 'week', 'month')),
     add column ad_clicks integer not null default 0`,
  `alter table pancake_private.analytics_period_response drop constraint analytics_period_response_period_check,
     add constraint analytics_period_response_period_check check (period in ('day', 'week', 'month')),
     add column median_response_business_seconds numeric,
     add column p90_response_business_seconds numeric`,
  // The ISO weekday of each hour's day, stored: hourly_activity has a row per page, day, hour and type.
  `alter table pancake_private.analytics_hour_totals add column weekday smallint not null default 0`,
  `alter table pancake_private.analytics_employee_day_totals
     add column median_first_response_business_seconds numeric,
     add column p90_first_response_business_seconds numeric`,
  `create table pancake_private.analytics_response_by_type (
     page_id text not null,
     ${PERIOD},
     period_start date not null,
     conversation_type text not null,
     conversations integer not null,
     answered integer not null,
     page_initiated integer not null,
     answered_by_bot integer not null,
     median_employee_response_seconds numeric,
     p90_employee_response_seconds numeric,
     median_employee_response_business_seconds numeric,
     p90_employee_response_business_seconds numeric,
     median_bot_response_seconds numeric,
     primary key (page_id, period, period_start, conversation_type)
   )`,
  `create table pancake_private.analytics_inquiry_response (
     page_id text not null,
     ${PERIOD},
     period_start date not null,
     conversation_type text not null,
     inquiries integer not null,
     follow_ups integer not null,
     answered integer not null,
     median_employee_response_seconds numeric,
     p90_employee_response_seconds numeric,
     median_employee_response_business_seconds numeric,
     p90_employee_response_business_seconds numeric,
     primary key (page_id, period, period_start, conversation_type)
   )`,
  `create table pancake_private.analytics_inquiry_response_by_employee (
     page_id text not null,
     ${PERIOD},
     period_start date not null,
     user_id text not null,
     user_name text,
     answered integer not null,
     median_response_seconds numeric,
     p90_response_seconds numeric,
     median_response_business_seconds numeric,
     p90_response_business_seconds numeric,
     primary key (page_id, period, period_start, user_id)
   )`,
  `create table pancake_private.analytics_start_days (
     page_id text not null,
     day date not null,
     conversation_type text not null,
     new_conversations integer not null,
     page_initiated integer not null,
     opened_from_ad integer not null,
     first_conversations_of_customers integer not null,
     primary key (page_id, day, conversation_type)
   )`,
  `create table pancake_private.analytics_tag_days (
     page_id text not null,
     day date not null,
     tag_id text not null,
     tag_text text,
     times_applied integer not null,
     times_removed integer not null,
     conversations_tagged integer not null,
     primary key (page_id, day, tag_id)
   )`,
];

/** The tables 0014 adds, for dropping. */
const NEW_TABLES = ['waiting', 'inquiries', 'response_by_type', 'inquiry_response', 'inquiry_response_by_employee', 'start_days', 'tag_days'];

export const INQUIRY_MART_COMMENTS: Array<[string, string]> = [
  ['table pancake_private.analytics_waiting', 'Per conversation waiting for an employee (a customer message after the latest employee reply): since when, and who and what it carries.'],
  ['table pancake_private.analytics_inquiries', 'Per inquiry (a customer message that opens a conversation or follows PANCAKE_INQUIRY_GAP without one): its first employee and bot replies.'],
  ['table pancake_private.analytics_response_by_type', 'Per local day and conversation type: first response counts and percentiles.'],
  ['table pancake_private.analytics_inquiry_response', 'Per local day, week or month and conversation type: inquiry response counts and percentiles.'],
  ['table pancake_private.analytics_inquiry_response_by_employee', 'Per local day, week or month and employee (\'\' for replies without one): inquiry response counts and percentiles.'],
  ['table pancake_private.analytics_start_days', 'Per local day and conversation type: conversations started, by whom, from an ad, first conversations of customers.'],
  ['table pancake_private.analytics_tag_days', 'Per local day and tag: times applied and removed, conversations tagged.'],
];

export async function createInquiryMarts(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...FUNCTIONS, ...CHANGES]) await sql.raw(statement).execute(db);
  for (const [target, text] of INQUIRY_MART_COMMENTS) await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
  // Every page is summarized again, with the new columns, by the first refresh after this migration.
  await sql`
    insert into pancake_private.analytics_dirty (page_id, source)
    select page_id, 'rebuild' from pancake_private.analytics_pages
    union select distinct page_id, 'rebuild' from pancake.conversations`.execute(db);
}

export async function dropInquiryMarts(db: Kysely<unknown>): Promise<void> {
  for (const table of NEW_TABLES) await sql.raw(`drop table if exists pancake_private.analytics_${table}`).execute(db);
  await sql`delete from pancake_private.analytics_period_activity where period = 'day'`.execute(db);
  await sql`delete from pancake_private.analytics_period_response where period = 'day' or user_id = ''`.execute(db);
  await sql`delete from pancake_private.analytics_employee_day_totals where user_id = ''`.execute(db);
  await sql`delete from pancake_private.analytics_employee_days where user_id = ''`.execute(db);
  await sql.raw(`alter table pancake_private.analytics_period_activity drop column ad_clicks, drop constraint analytics_period_activity_period_check,
    add constraint analytics_period_activity_period_check check (period in ('week', 'month'))`).execute(db);
  await sql.raw(`alter table pancake_private.analytics_period_response drop column median_response_business_seconds, drop column p90_response_business_seconds,
    drop constraint analytics_period_response_period_check, add constraint analytics_period_response_period_check check (period in ('week', 'month'))`).execute(db);
  await sql`alter table pancake_private.analytics_employee_day_totals drop column median_first_response_business_seconds, drop column p90_first_response_business_seconds`.execute(db);
  await sql`alter table pancake_private.analytics_hour_totals drop column weekday`.execute(db);
  await sql`alter table pancake_private.analytics_conversations drop column employee_response_seconds, drop column bot_response_seconds, drop column page_notice_response_seconds,
    drop column employee_response_business_seconds, drop column awaiting_reply_since, drop column messages_pending_at`.execute(db);
  await sql.raw(`alter table pancake_private.analytics_pages drop column inquiry_gap_seconds, drop column business_hours, drop column covered_at,
    ${COVERED.flatMap((s) => [`drop column ${s}_first_day`, `drop column ${s}_last_day`]).join(', ')}`).execute(db);
  for (const fn of ['business_seconds(timestamptz, timestamptz, text, nummultirange)', 'week_overlap(nummultirange, numeric, numeric)', 'first_covered_day(timestamptz, text)', 'last_covered_day(timestamptz, text)']) {
    await sql.raw(`drop function if exists pancake_private.${fn}`).execute(db);
  }
  await sql`insert into pancake_private.analytics_dirty (page_id, source) select page_id, 'rebuild' from pancake_private.analytics_pages`.execute(db);
}
