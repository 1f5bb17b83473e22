import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './schema.js';

// The summaries kept per conversation (pancake_private.analytics_*, migrations/0008_analytics_marts.ts):
// each is recomputed whole for the conversations in scope, from that conversation's rows, so a
// conversation summarized twice comes out the same and nothing depends on the order of changes.

type Trx = Transaction<Database>;

/** Which conversations of the page to recompute: all of them, or these ids. */
export type Scope = { all: true } | { all: false; ids: string[] };

export interface PageZone {
  pageId: string;
  zone: string;
}

function inScope(scope: Scope, column: string): RawBuilder<unknown> {
  return scope.all ? sql`true` : sql`${sql.ref(column)} = any(${scope.ids}::text[])`;
}

const local = (column: string, zone: string) => sql`pancake_private.local_time(${sql.ref(column)}, ${zone})`;

/**
 * Per conversation: when it started, who started it, the customer's first message and the first
 * employee, bot and notice messages after it, who spoke last. Returns the customers and local start
 * days it touched (before and after), which the per-customer flag and the day summaries depend on.
 */
export async function refreshConversationFacts(trx: Trx, { pageId, zone }: PageZone, scope: Scope): Promise<{ customers: string[]; days: string[] }> {
  const gone = await sql<{ customer_id: string | null; day: string | null }>`
    delete from pancake_private.analytics_conversations
    where page_id = ${pageId} and ${inScope(scope, 'conversation_id')}
    returning customer_id, started_day::text as day`.execute(trx);
  const made = await sql<{ customer_id: string | null; day: string | null }>`
    insert into pancake_private.analytics_conversations (page_id, conversation_id, conversation_type, customer_id, started_at, started_day, started_hour,
      page_initiated, opened_from_ad, first_customer_message_at, first_customer_day, first_customer_hour,
      first_employee_reply_at, responder_user_id, responder_name, first_bot_reply_at, first_page_notice_at, last_message_from_customer)
    select c.page_id, c.id, coalesce(c.type, a.message_type, 'UNKNOWN'), c.customer_id,
           s.started_at, ${local('s.started_at', zone)}::date, extract(hour from ${local('s.started_at', zone)})::smallint,
           coalesce(a.first_kind in ('employee', 'bot'), false) and not s.from_ad, s.from_ad,
           a.first_customer_at, ${local('a.first_customer_at', zone)}::date, extract(hour from ${local('a.first_customer_at', zone)})::smallint,
           r.employee_at, r.employee_user, r.employee_name, r.bot_at, r.notice_at, coalesce(a.last_kind = 'customer', false)
    from pancake.conversations c
    cross join lateral (
      select min(m.inserted_at) as first_item_at,
             min(m.inserted_at) filter (where m.sender_kind = 'customer') as first_customer_at,
             min(m.inserted_at) filter (where m.sender_kind = 'ad_click') as first_ad_item_at,
             (array_agg(m.sender_kind order by m.inserted_at, m.id) filter (where m.sender_kind <> 'ad_click'))[1] as first_kind,
             (array_agg(m.sender_kind order by m.inserted_at desc, m.id desc) filter (where m.sender_kind <> 'ad_click'))[1] as last_kind,
             min(m.type) as message_type
      from pancake.messages m
      where m.page_id = c.page_id and m.conversation_id = c.id and m.inserted_at is not null
    ) a
    cross join lateral (select min(k.clicked_at) as clicked_at from pancake.ad_clicks k where k.page_id = c.page_id and k.conversation_id = c.id) k
    cross join lateral (
      select least(c.inserted_at, a.first_item_at) as started_at,
             coalesce(least(k.clicked_at, a.first_ad_item_at) <= least(c.inserted_at, a.first_item_at) + interval '1 minute', false) as from_ad
    ) s
    cross join lateral (
      select (array_agg(m.inserted_at order by m.inserted_at, m.id) filter (where m.sender_kind = 'employee'))[1] as employee_at,
             (array_agg(m.sender_user_id order by m.inserted_at, m.id) filter (where m.sender_kind = 'employee'))[1] as employee_user,
             (array_agg(m.sender_admin_name order by m.inserted_at, m.id) filter (where m.sender_kind = 'employee'))[1] as employee_name,
             min(m.inserted_at) filter (where m.sender_kind = 'bot') as bot_at,
             min(m.inserted_at) filter (where m.sender_kind = 'page_notice') as notice_at
      from pancake.messages m
      where m.page_id = c.page_id and m.conversation_id = c.id and m.inserted_at > a.first_customer_at
    ) r
    where c.page_id = ${pageId} and ${inScope(scope, 'c.id')}
    returning customer_id, started_day::text as day`.execute(trx);
  const rows = [...gone.rows, ...made.rows];
  return { customers: distinct(rows.map((r) => r.customer_id)), days: distinct(rows.map((r) => r.day)) };
}

/**
 * Marks each customer's first conversation with the page (earliest start, then id). Returns the
 * local start days of conversations whose mark changed.
 */
export async function refreshFirstConversations(trx: Trx, pageId: string, customers: Scope): Promise<string[]> {
  const { rows } = await sql<{ day: string | null }>`
    update pancake_private.analytics_conversations f set customer_first_conversation = (f.conversation_id = x.first_id)
    from (
      select distinct on (customer_id) customer_id, conversation_id as first_id
      from pancake_private.analytics_conversations
      where page_id = ${pageId} and ${inScope(customers, 'customer_id')} and started_at is not null
      order by customer_id, started_at, conversation_id
    ) x
    where f.page_id = ${pageId} and f.customer_id = x.customer_id and f.customer_first_conversation <> (f.conversation_id = x.first_id)
    returning f.started_day::text as day`.execute(trx);
  return distinct(rows.map((r) => r.day));
}

const KIND_COUNTS = sql`count(*) filter (where m.sender_kind is distinct from 'ad_click'),
  count(*) filter (where m.sender_kind = 'customer'), count(*) filter (where m.sender_kind = 'employee'),
  count(*) filter (where m.sender_kind = 'bot'), count(*) filter (where m.sender_kind = 'page_notice')`;

/** Messages per conversation and local day, per local hour, and per employee and day. */
export async function refreshMessageSummaries(trx: Trx, { pageId, zone }: PageZone, scope: Scope): Promise<void> {
  for (const table of ['analytics_conversation_days', 'analytics_conversation_hours', 'analytics_employee_days']) {
    await sql`delete from ${sql.table(`pancake_private.${table}`)} where page_id = ${pageId} and ${inScope(scope, 'conversation_id')}`.execute(trx);
  }
  const messages = sql`pancake.messages m left join pancake_private.analytics_conversations f on f.page_id = m.page_id and f.conversation_id = m.conversation_id`;
  const where = sql`m.page_id = ${pageId} and ${inScope(scope, 'm.conversation_id')} and m.inserted_at is not null`;
  const type = sql`coalesce(max(f.conversation_type), max(m.type), 'UNKNOWN')`;
  await sql`
    insert into pancake_private.analytics_conversation_days (page_id, day, conversation_id, conversation_type, messages, customer_messages, employee_messages, bot_messages, page_notice_messages, ad_clicks)
    select m.page_id, ${local('m.inserted_at', zone)}::date, m.conversation_id, ${type}, ${KIND_COUNTS}, count(*) filter (where m.sender_kind = 'ad_click')
    from ${messages} where ${where} group by 1, 2, 3`.execute(trx);
  await sql`
    insert into pancake_private.analytics_conversation_hours (page_id, day, hour, conversation_id, conversation_type, messages, customer_messages, employee_messages, bot_messages, page_notice_messages)
    select m.page_id, ${local('m.inserted_at', zone)}::date, extract(hour from ${local('m.inserted_at', zone)})::smallint, m.conversation_id, ${type}, ${KIND_COUNTS}
    from ${messages} where ${where} and m.sender_kind is distinct from 'ad_click' group by 1, 2, 3, 4`.execute(trx);
  await sql`
    insert into pancake_private.analytics_employee_days (page_id, day, user_id, conversation_id, user_name, messages)
    select m.page_id, ${local('m.inserted_at', zone)}::date, m.sender_user_id, m.conversation_id, max(m.sender_admin_name), count(*)
    from pancake.messages m
    where ${where} and m.sender_kind = 'employee' and m.sender_user_id is not null group by 1, 2, 3, 4`.execute(trx);
}

/**
 * Every entry of the conversations' tag histories (raw.tag_histories: `{ inserted_at, payload: {
 * action, editor_id, editor_name, tag: { id, text } } }`). Entries without a tag id ("Tag removed")
 * or a readable time are skipped; the API sends times without a zone, in UTC.
 */
export async function refreshTagEvents(trx: Trx, { pageId, zone }: PageZone, scope: Scope): Promise<void> {
  await sql`delete from pancake_private.analytics_tag_events where page_id = ${pageId} and ${inScope(scope, 'conversation_id')}`.execute(trx);
  await sql`
    insert into pancake_private.analytics_tag_events (page_id, conversation_id, position, at, day, action, tag_id, tag_text, editor_id, editor_name)
    select c.page_id, c.id, h.position, t.at, ${local('t.at', zone)}::date, h.entry #>> '{payload,action}', h.entry #>> '{payload,tag,id}',
           h.entry #>> '{payload,tag,text}', h.entry #>> '{payload,editor_id}', h.entry #>> '{payload,editor_name}'
    from pancake.conversations c
    cross join lateral jsonb_array_elements(case when jsonb_typeof(c.raw -> 'tag_histories') = 'array' then c.raw -> 'tag_histories' else '[]'::jsonb end)
      with ordinality as h(entry, position)
    cross join lateral (
      select case
        when h.entry ->> 'inserted_at' ~ '^\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d(:?\\d\\d)?)$' then (h.entry ->> 'inserted_at')::timestamptz
        when h.entry ->> 'inserted_at' ~ '^\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?$' then (h.entry ->> 'inserted_at')::timestamp at time zone 'UTC'
      end as at
    ) t
    where c.page_id = ${pageId} and ${inScope(scope, 'c.id')} and jsonb_typeof(h.entry) = 'object'
      and h.entry #>> '{payload,tag,id}' is not null and h.entry #>> '{payload,action}' is not null and t.at is not null`.execute(trx);
}

function distinct(values: Array<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
