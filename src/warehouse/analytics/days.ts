import { sql, type RawBuilder } from 'kysely';
import type { SummaryPage, SummaryPart, Trx } from './summary-parts.js';

// The summaries kept per local day from sources other than messages (customers, calls, ad clicks),
// and the conversations started per day.
// Customers and calls deleted in Pancake (deleted_at, set by a sweep) are left out; an ad click
// stays counted, whatever became of its conversation.
// Each day reads its own index range, a lateral subquery per day: on freshly loaded tables without
// statistics the planner would otherwise compare every day with every row of the page.

const DAY_TABLES = ['analytics_customer_days', 'analytics_call_days', 'analytics_ad_days', 'analytics_start_days'];

/** Per conversation (or inquiry): read by the day and period totals. */
export const CONVERSATION_SUMMARY_TABLES = [
  'analytics_conversations', 'analytics_conversation_days', 'analytics_conversation_hours', 'analytics_employee_days', 'analytics_assignments', 'analytics_tag_events',
  'analytics_inquiries', 'analytics_waiting',
];

/** Every summary table of a page (migrations/parts/analytics-marts.ts, analytics-inquiry-marts.ts), bookkeeping aside. */
export const SUMMARY_TABLES = [
  ...CONVERSATION_SUMMARY_TABLES, 'analytics_hour_totals', 'analytics_employee_day_totals', 'analytics_period_activity', 'analytics_period_response',
  'analytics_response_by_type', 'analytics_inquiry_response', 'analytics_inquiry_response_by_employee', 'analytics_tag_days', ...DAY_TABLES,
];

/** `days` (local dates, YYYY-MM-DD) as a SQL array. */
export function dayArray(days: readonly string[]): RawBuilder<unknown> {
  return sql`${days}::date[]`;
}

/** The parts replacing the day summaries of `days` (see replaceRows). */
export function daySummaryParts({ pageId, zone }: SummaryPage, days: readonly string[]): SummaryPart[] {
  const span = (column: string) =>
    sql`${sql.ref(column)} >= pancake_private.local_start(d.day, ${zone}) and ${sql.ref(column)} < pancake_private.local_start(d.day + 1, ${zone})`;
  const dayList = sql`unnest(${dayArray(days)}) as d(day)`;
  const within = sql`t.day = any(${dayArray(days)})`;
  return [
    {
      // From the conversation facts: conversations started per day, as daily_conversations shows them.
      table: 'analytics_start_days', key: ['day', 'conversation_type'], values: ['new_conversations', 'page_initiated', 'opened_from_ad', 'first_conversations_of_customers'],
      within, report: null,
      fresh: sql`
        select page_id, started_day as day, conversation_type, count(*)::int as new_conversations, (count(*) filter (where page_initiated))::int as page_initiated,
               (count(*) filter (where opened_from_ad))::int as opened_from_ad, (count(*) filter (where customer_first_conversation))::int as first_conversations_of_customers
        from pancake_private.analytics_conversations where page_id = ${pageId} and started_day = any(${dayArray(days)})
        group by page_id, started_day, conversation_type`,
    },
    {
      table: 'analytics_customer_days', key: ['day'], values: ['new_customer_records', 'new_customers_by_first_conversation'], within, report: 'day',
      fresh: sql`
        select ${pageId}::text as page_id, day, sum(records)::int as new_customer_records, sum(firsts)::int as new_customers_by_first_conversation
        from (
          select d.day, r.n as records, 0 as firsts
          from ${dayList} cross join lateral (select count(*) as n from pancake.customers c where c.page_id = ${pageId} and ${span('c.inserted_at')} and c.deleted_at is null) r
          where r.n > 0
          union all
          select started_day, 0, count(*) from pancake_private.analytics_conversations
          where page_id = ${pageId} and started_day = any(${dayArray(days)}) and customer_first_conversation
          group by started_day
        ) x
        group by day`,
    },
    {
      // Answered means someone talked: the status vocabulary differs between call centers.
      table: 'analytics_call_days', key: ['day', 'direction'], values: ['calls', 'answered_calls', 'total_talk_seconds'], within, report: 'day',
      fresh: sql`
        select ${pageId}::text as page_id, d.day, l.direction, l.calls, l.answered_calls, l.total_talk_seconds
        from ${dayList} cross join lateral (
          select coalesce(l.direction, 'unknown') as direction, count(*)::int as calls, (count(*) filter (where l.duration_seconds > 0))::int as answered_calls,
                 coalesce(sum(l.duration_seconds) filter (where l.duration_seconds > 0), 0)::bigint as total_talk_seconds
          from pancake.call_logs l where l.page_id = ${pageId} and ${span('l.start_time')} and l.deleted_at is null
          group by coalesce(l.direction, 'unknown')
        ) l`,
    },
    {
      table: 'analytics_ad_days', key: ['day', 'ad_id'], values: ['conversation_openings', 'conversations', 'new_customers'], within, report: 'day',
      fresh: sql`
        select ${pageId}::text as page_id, d.day, k.ad_id, k.conversation_openings, k.conversations, k.new_customers
        from ${dayList} cross join lateral (
          select k.ad_id, count(*)::int as conversation_openings, count(distinct k.conversation_id)::int as conversations,
                 (count(distinct k.conversation_id) filter (where f.customer_first_conversation and f.started_day = d.day))::int as new_customers
          from pancake.ad_clicks k
          left join pancake_private.analytics_conversations f on f.page_id = k.page_id and f.conversation_id = k.conversation_id
          where k.page_id = ${pageId} and ${span('k.clicked_at')}
          group by k.ad_id
        ) k`,
    },
  ];
}

/** Every local day from the page's earliest to its latest customer, call, ad click or conversation. */
export async function allDays(trx: Trx, { pageId, zone }: SummaryPage): Promise<string[]> {
  const { rows } = await sql<{ days: string[] | null }>`
    select array_agg(d::date::text order by d) as days
    from (
      select min(pancake_private.local_time(x, ${zone}))::date as lo, max(pancake_private.local_time(x, ${zone}))::date as hi
      from (
        select (select min(inserted_at) from pancake.customers where page_id = ${pageId}) as x
        union all select (select max(inserted_at) from pancake.customers where page_id = ${pageId})
        union all select (select min(start_time) from pancake.call_logs where page_id = ${pageId})
        union all select (select max(start_time) from pancake.call_logs where page_id = ${pageId})
        union all select (select min(clicked_at) from pancake.ad_clicks where page_id = ${pageId})
        union all select (select max(clicked_at) from pancake.ad_clicks where page_id = ${pageId})
        union all select (select min(started_at) from pancake_private.analytics_conversations where page_id = ${pageId})
        union all select (select max(started_at) from pancake_private.analytics_conversations where page_id = ${pageId})
      ) bounds
    ) instants
    cross join lateral (
      select least(instants.lo, (select min(day) from pancake_private.analytics_conversation_days where page_id = ${pageId})) as lo,
             greatest(instants.hi, (select max(day) from pancake_private.analytics_conversation_days where page_id = ${pageId})) as hi
    ) span, generate_series(span.lo, span.hi, interval '1 day') d`.execute(trx);
  return rows[0]?.days ?? [];
}

/** Empties every summary of the page, before a rebuild. */
export async function clearPageSummaries(trx: Trx, pageId: string): Promise<void> {
  for (const table of SUMMARY_TABLES) await sql`delete from ${sql.table(`pancake_private.${table}`)} where page_id = ${pageId}`.execute(trx);
}
