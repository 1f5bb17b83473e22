import { sql, type Kysely } from 'kysely';

// The summaries behind the pancake_analytics views, in schema pancake_private: tables kept current
// by pancake-sync (src/warehouse/analytics/refresh.ts) for the conversations and local days a sync
// touched, so that a view reads a few thousand summary rows instead of two years of messages.
// Triggers on the source tables note what changed in analytics_dirty, in the writing transaction,
// so nothing written by any path is missed; the refresh consumes those notes.

/** Local wall-clock time of an instant in a page zone as pancake-sync names zones (src/sync/pages.ts pageZone). */
const FUNCTIONS = [
  // 'UTC+7' / 'UTC-3:30' are fixed offsets (east positive). Postgres reads such names as POSIX zones,
  // west positive, so they are turned into intervals here instead of being passed to AT TIME ZONE.
  `create function pancake_private.zone_offset(zone text) returns interval language sql immutable parallel safe as $$
     select case when zone ~ '^UTC[+-][0-9]{1,2}(:[0-9]{2})?$'
       then (case when substr(zone, 4, 1) = '-' then -1 else 1 end)
            * (substr(zone, 5) || case when position(':' in zone) > 0 then '' else ':00' end)::interval
       when zone = 'UTC' then interval '0' end
   $$`,
  `create function pancake_private.local_time(at timestamptz, zone text) returns timestamp language sql immutable parallel safe as $$
     select case when pancake_private.zone_offset(zone) is not null
       then (at at time zone 'UTC') + pancake_private.zone_offset(zone)
       else at at time zone zone end
   $$`,
  `create function pancake_private.local_start(day date, zone text) returns timestamptz language sql immutable parallel safe as $$
     select case when pancake_private.zone_offset(zone) is not null
       then (day::timestamp - pancake_private.zone_offset(zone)) at time zone 'UTC'
       else day::timestamp at time zone zone end
   $$`,
  // The zone a page had before pancake-sync stored one: its own offset, else the default zone.
  `create function pancake_private.offset_zone(hours numeric) returns text language sql immutable parallel safe as $$
     select case when hours is null then null when hours = 0 then 'UTC'
       else 'UTC' || case when hours < 0 then '-' else '+' end || trunc(abs(hours))::int
            || case when abs(hours) <> trunc(abs(hours)) then ':' || lpad(round((abs(hours) - trunc(abs(hours))) * 60)::int::text, 2, '0') else '' end end
   $$`,
];

/** Messages by who sent them (pancake.messages.sender_kind), ad clicks aside. */
const MESSAGE_COUNTS = ['messages', 'customer_messages', 'employee_messages', 'bot_messages', 'page_notice_messages'].map((c) => `${c} integer not null`).join(', ');

const TABLES = [
  `create table pancake_private.analytics_dirty (
     page_id text not null,
     source text not null,
     conversation_id text,
     from_at timestamptz,
     to_at timestamptz,
     noted_at timestamptz not null default now()
   )`,
  `create index analytics_dirty_page_idx on pancake_private.analytics_dirty (page_id)`,
  `create table pancake_private.analytics_pages (
     page_id text primary key,
     zone text not null,
     refreshed_at timestamptz not null default now(),
     rebuilt_at timestamptz not null default now()
   )`,
  `create table pancake_private.analytics_conversations (
     page_id text not null,
     conversation_id text not null,
     conversation_type text not null,
     customer_id text,
     started_at timestamptz,
     started_day date,
     started_hour smallint,
     page_initiated boolean not null,
     opened_from_ad boolean not null,
     customer_first_conversation boolean not null default false,
     first_customer_message_at timestamptz,
     first_customer_day date,
     first_customer_hour smallint,
     first_employee_reply_at timestamptz,
     responder_user_id text,
     responder_name text,
     first_bot_reply_at timestamptz,
     first_page_notice_at timestamptz,
     last_message_from_customer boolean not null default false,
     primary key (page_id, conversation_id)
   )`,
  `create index analytics_conversations_started_idx on pancake_private.analytics_conversations (page_id, started_day)`,
  `create index analytics_conversations_first_customer_idx on pancake_private.analytics_conversations (page_id, first_customer_day)`,
  `create index analytics_conversations_customer_idx on pancake_private.analytics_conversations (page_id, customer_id, started_at)`,
  `create table pancake_private.analytics_conversation_days (
     page_id text not null,
     day date not null,
     conversation_id text not null,
     conversation_type text not null,
     ${MESSAGE_COUNTS},
     ad_clicks integer not null,
     primary key (page_id, day, conversation_id)
   )`,
  `create index analytics_conversation_days_conversation_idx on pancake_private.analytics_conversation_days (page_id, conversation_id)`,
  `create table pancake_private.analytics_conversation_hours (
     page_id text not null,
     day date not null,
     hour smallint not null,
     conversation_id text not null,
     conversation_type text not null,
     ${MESSAGE_COUNTS},
     primary key (page_id, day, hour, conversation_id)
   )`,
  `create index analytics_conversation_hours_conversation_idx on pancake_private.analytics_conversation_hours (page_id, conversation_id)`,
  `create table pancake_private.analytics_employee_days (
     page_id text not null,
     day date not null,
     user_id text not null,
     conversation_id text not null,
     user_name text,
     messages integer not null,
     primary key (page_id, day, user_id, conversation_id)
   )`,
  `create index analytics_employee_days_conversation_idx on pancake_private.analytics_employee_days (page_id, conversation_id)`,
  `create table pancake_private.analytics_assignments (
     page_id text not null,
     user_id text not null,
     conversation_id text not null,
     user_name text,
     answered boolean not null,
     unanswered boolean not null,
     awaiting_reply boolean not null,
     primary key (page_id, user_id, conversation_id)
   )`,
  `create index analytics_assignments_conversation_idx on pancake_private.analytics_assignments (page_id, conversation_id)`,
  `create table pancake_private.analytics_hour_totals (
     page_id text not null,
     day date not null,
     hour smallint not null,
     conversation_type text not null,
     ${MESSAGE_COUNTS},
     new_conversations integer not null,
     primary key (page_id, day, hour, conversation_type)
   )`,
  `create table pancake_private.analytics_period_activity (
     page_id text not null,
     period text not null check (period in ('week', 'month')),
     period_start date not null,
     conversation_type text not null,
     active_conversations integer not null,
     conversations_with_customer_messages integer not null,
     ${MESSAGE_COUNTS},
     primary key (page_id, period, period_start, conversation_type)
   )`,
  `create table pancake_private.analytics_employee_day_totals (
     page_id text not null,
     day date not null,
     user_id text not null,
     user_name text,
     assigned_active_conversations integer not null,
     conversations_replied integer not null,
     messages_sent integer not null,
     first_replies integer not null,
     median_first_response_seconds numeric,
     p90_first_response_seconds numeric,
     primary key (page_id, day, user_id)
   )`,
  `create table pancake_private.analytics_period_response (
     page_id text not null,
     period text not null check (period in ('week', 'month')),
     period_start date not null,
     user_id text not null,
     user_name text,
     first_replies integer not null,
     median_response_seconds numeric,
     p90_response_seconds numeric,
     primary key (page_id, period, period_start, user_id)
   )`,
  `create table pancake_private.analytics_tag_events (
     page_id text not null,
     conversation_id text not null,
     position integer not null,
     at timestamptz not null,
     day date not null,
     action text not null,
     tag_id text not null,
     tag_text text,
     editor_id text,
     editor_name text,
     primary key (page_id, conversation_id, position)
   )`,
  `create index analytics_tag_events_day_idx on pancake_private.analytics_tag_events (page_id, day)`,
  `create table pancake_private.analytics_customer_days (
     page_id text not null,
     day date not null,
     new_customer_records integer not null,
     new_customers_by_first_conversation integer not null,
     primary key (page_id, day)
   )`,
  `create table pancake_private.analytics_call_days (
     page_id text not null,
     day date not null,
     direction text not null,
     calls integer not null,
     answered_calls integer not null,
     total_talk_seconds bigint not null,
     primary key (page_id, day, direction)
   )`,
  `create table pancake_private.analytics_ad_days (
     page_id text not null,
     day date not null,
     ad_id text not null,
     conversation_openings integer not null,
     conversations integer not null,
     new_customers integer not null,
     primary key (page_id, day, ad_id)
   )`,
];

/**
 * What each source table notes when rows change: the conversation (when the row belongs to one) and
 * the span of instants the rows cover, so the refresh knows which conversations and local days to
 * recompute. One row per conversation and statement (messages come 30 to a statement).
 */
const SOURCES: Array<{ table: string; conversation: string | null; at: string | null }> = [
  { table: 'messages', conversation: 'conversation_id', at: 'inserted_at' },
  { table: 'conversations', conversation: 'id', at: null },
  { table: 'ad_clicks', conversation: 'conversation_id', at: 'clicked_at' },
  { table: 'customers', conversation: null, at: 'inserted_at' },
  { table: 'call_logs', conversation: null, at: 'start_time' },
];

/**
 * Sources whose instants name the local days to recompute are noted per UTC day, so that a batch
 * of customers first seen months apart names those days, not every day between them. Messages
 * name their conversation only.
 */
function noteChanges(source: (typeof SOURCES)[number], relations: string[]): string {
  const conversation = source.conversation ?? 'null::text';
  const at = source.at ?? 'null::timestamptz';
  const rows = relations.map((r) => `select page_id, ${conversation} as conversation_id, ${at} as at from ${r}`).join(' union all ');
  const perDay = source.table === 'messages' || source.at === null ? '' : `, date_trunc('day', at at time zone 'UTC')`;
  return `insert into pancake_private.analytics_dirty (page_id, source, conversation_id, from_at, to_at)
          select page_id, '${source.table}', conversation_id, min(at), max(at) from (${rows}) changed group by page_id, conversation_id${perDay}`;
}

const NOTE_EVENTS: Array<{ event: string; referencing: string; relations: string[] }> = [
  { event: 'insert', referencing: 'new table as new_rows', relations: ['new_rows'] },
  { event: 'update', referencing: 'old table as old_rows new table as new_rows', relations: ['old_rows', 'new_rows'] },
  { event: 'delete', referencing: 'old table as old_rows', relations: ['old_rows'] },
];

/**
 * The note function of a source table and event. `skipEmpty` (migration 0015): a statement that
 * changed no row returns before the insert; an upsert fires both its insert and its update trigger,
 * and in a backfill the update's transition tables are nearly always empty.
 */
function noteFunction(source: (typeof SOURCES)[number], { event, relations }: (typeof NOTE_EVENTS)[number], create: 'create' | 'create or replace', skipEmpty: boolean): string {
  const guard = skipEmpty ? `if not exists (select from ${relations[relations.length - 1]}) then return null; end if; ` : '';
  return `${create} function pancake_private.analytics_note_${source.table}_${event}() returns trigger language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
       begin ${guard}${noteChanges(source, relations)}; return null; end $$`;
}

/** Every note function, redefined in place (the triggers and the grants stay): with or without the empty-statement exit. */
export function noteFunctions(skipEmpty: boolean): string[] {
  return SOURCES.flatMap((source) => NOTE_EVENTS.map((event) => noteFunction(source, event, 'create or replace', skipEmpty)));
}

/**
 * Statement-level triggers with transition tables: one insert per statement, whatever its size.
 * SECURITY DEFINER so that a sync login needs no right on pancake_private to write the source tables.
 */
function triggers(source: (typeof SOURCES)[number]): string[] {
  return NOTE_EVENTS.flatMap((note) => [
    noteFunction(source, note, 'create', false),
    `create trigger analytics_note_${note.event} after ${note.event} on pancake.${source.table} referencing ${note.referencing} for each statement execute function pancake_private.analytics_note_${source.table}_${note.event}()`,
  ]);
}

/** Every summary table (analytics_<name>), for maintenance and for dropping. */
export const MART_TABLES = ['dirty', 'pages', 'conversations', 'conversation_days', 'conversation_hours', 'employee_days', 'assignments', 'tag_events',
  'hour_totals', 'period_activity', 'employee_day_totals', 'period_response', 'customer_days', 'call_days', 'ad_days'];

export async function createMarts(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...FUNCTIONS, ...TABLES, ...SOURCES.flatMap(triggers)]) await sql.raw(statement).execute(db);
  // Every page is summarized from scratch once, by the first refresh after this migration.
  await sql`
    insert into pancake_private.analytics_dirty (page_id, source)
    select id, 'rebuild' from pancake.pages
    union select distinct page_id, 'rebuild' from pancake.conversations`.execute(db);
}

export async function dropMarts(db: Kysely<unknown>): Promise<void> {
  for (const { table } of SOURCES) {
    for (const event of ['insert', 'update', 'delete']) {
      await sql.raw(`drop trigger if exists analytics_note_${event} on pancake.${table}`).execute(db);
      await sql.raw(`drop function if exists pancake_private.analytics_note_${table}_${event}()`).execute(db);
    }
  }
  for (const table of MART_TABLES) {
    await sql.raw(`drop table if exists pancake_private.analytics_${table}`).execute(db);
  }
  for (const fn of ['local_start(date, text)', 'local_time(timestamptz, text)', 'zone_offset(text)', 'offset_zone(numeric)']) {
    await sql.raw(`drop function if exists pancake_private.${fn}`).execute(db);
  }
}
