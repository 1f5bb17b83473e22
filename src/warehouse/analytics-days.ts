import { sql, type Transaction } from 'kysely';
import type { PageZone } from './analytics-scope.js';
import type { Database } from './schema.js';

// The summaries kept per local day (customers, calls, ad clicks): recomputed whole for the days a
// change touched, each day read through the source's (page_id, time) index between the instants
// the local day starts and ends.

type Trx = Transaction<Database>;

const TABLES = ['analytics_customer_days', 'analytics_call_days', 'analytics_ad_days'];

/** Every summary table of a page (migrations/0008_analytics_marts.ts), bookkeeping aside. */
export const SUMMARY_TABLES = [
  'analytics_conversations', 'analytics_conversation_days', 'analytics_conversation_hours', 'analytics_employee_days', 'analytics_assignments', 'analytics_tag_events',
  'analytics_hour_totals', 'analytics_employee_day_totals', 'analytics_period_activity', 'analytics_period_response', ...TABLES,
];

/** Every local day from the page's earliest to its latest customer, call, ad click or conversation. */
export async function allDays(trx: Trx, { pageId, zone }: PageZone): Promise<string[]> {
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

/** Recomputes the day summaries of `days` (local dates, YYYY-MM-DD). */
export async function refreshDaySummaries(trx: Trx, { pageId, zone }: PageZone, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  for (const table of TABLES) {
    await sql`delete from ${sql.table(`pancake_private.${table}`)} where page_id = ${pageId} and day = any(${days}::date[])`.execute(trx);
  }
  const span = (column: string) =>
    sql`${sql.ref(column)} >= pancake_private.local_start(d.day, ${zone}) and ${sql.ref(column)} < pancake_private.local_start(d.day + 1, ${zone})`;
  const dayList = sql`unnest(${days}::date[]) as d(day)`;

  // Each day reads its own index range (a lateral subquery per day): without statistics on freshly
  // loaded tables the planner would otherwise compare every day with every row of the page.
  await sql`
    insert into pancake_private.analytics_customer_days (page_id, day, new_customer_records, new_customers_by_first_conversation)
    select ${pageId}, day, sum(records)::int, sum(firsts)::int
    from (
      select d.day, r.n as records, 0 as firsts
      from ${dayList} cross join lateral (select count(*) as n from pancake.customers c where c.page_id = ${pageId} and ${span('c.inserted_at')}) r
      where r.n > 0
      union all
      select started_day, 0, count(*) from pancake_private.analytics_conversations
      where page_id = ${pageId} and started_day = any(${days}::date[]) and customer_first_conversation
      group by started_day
    ) x
    group by day`.execute(trx);

  // Answered means someone talked: the status vocabulary differs between call centers.
  await sql`
    insert into pancake_private.analytics_call_days (page_id, day, direction, calls, answered_calls, total_talk_seconds)
    select ${pageId}, d.day, l.direction, l.calls, l.answered, l.talk
    from ${dayList} cross join lateral (
      select coalesce(l.direction, 'unknown') as direction, count(*) as calls, count(*) filter (where l.duration_seconds > 0) as answered,
             coalesce(sum(l.duration_seconds) filter (where l.duration_seconds > 0), 0) as talk
      from pancake.call_logs l where l.page_id = ${pageId} and ${span('l.start_time')}
      group by coalesce(l.direction, 'unknown')
    ) l`.execute(trx);

  await sql`
    insert into pancake_private.analytics_ad_days (page_id, day, ad_id, conversation_openings, conversations, new_customers)
    select ${pageId}, d.day, k.ad_id, k.openings, k.conversations, k.new_customers
    from ${dayList} cross join lateral (
      select k.ad_id, count(*) as openings, count(distinct k.conversation_id) as conversations,
             count(distinct k.conversation_id) filter (where f.customer_first_conversation and f.started_day = d.day) as new_customers
      from pancake.ad_clicks k
      left join pancake_private.analytics_conversations f on f.page_id = k.page_id and f.conversation_id = k.conversation_id
      where k.page_id = ${pageId} and ${span('k.clicked_at')}
      group by k.ad_id
    ) k`.execute(trx);
}

/** Empties every summary of the page, before a rebuild. */
export async function clearPageSummaries(trx: Trx, pageId: string): Promise<void> {
  for (const table of SUMMARY_TABLES) await sql`delete from ${sql.table(`pancake_private.${table}`)} where page_id = ${pageId}`.execute(trx);
}
