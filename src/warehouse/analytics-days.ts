import { sql, type Transaction } from 'kysely';
import type { PageZone } from './analytics-conversations.js';
import type { Database } from './schema.js';

// The summaries kept per local day (customers, calls, ad clicks): recomputed whole for the days a
// change touched, each day read through the source's (page_id, time) index between the instants
// the local day starts and ends.

type Trx = Transaction<Database>;

const TABLES = ['analytics_customer_days', 'analytics_call_days', 'analytics_ad_days'];

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

  await sql`
    insert into pancake_private.analytics_customer_days (page_id, day, new_customer_records, new_customers_by_first_conversation)
    select ${pageId}, d.day, r.n, f.n
    from ${dayList}
    cross join lateral (select count(*)::int as n from pancake.customers c where c.page_id = ${pageId} and ${span('c.inserted_at')}) r
    cross join lateral (
      select count(*)::int as n from pancake_private.analytics_conversations f
      where f.page_id = ${pageId} and f.started_day = d.day and f.customer_first_conversation
    ) f
    where r.n > 0 or f.n > 0`.execute(trx);

  // Answered means someone talked: the status vocabulary differs between call centers.
  await sql`
    insert into pancake_private.analytics_call_days (page_id, day, direction, calls, answered_calls, total_talk_seconds)
    select ${pageId}, d.day, coalesce(l.direction, 'unknown'), count(*), count(*) filter (where l.duration_seconds > 0),
           coalesce(sum(l.duration_seconds) filter (where l.duration_seconds > 0), 0)
    from ${dayList} join pancake.call_logs l on l.page_id = ${pageId} and ${span('l.start_time')}
    group by d.day, coalesce(l.direction, 'unknown')`.execute(trx);

  await sql`
    insert into pancake_private.analytics_ad_days (page_id, day, ad_id, conversation_openings, conversations, new_customers)
    select ${pageId}, d.day, k.ad_id, count(*), count(distinct k.conversation_id),
           count(distinct k.conversation_id) filter (where f.customer_first_conversation and f.started_day = d.day)
    from ${dayList}
    join pancake.ad_clicks k on k.page_id = ${pageId} and ${span('k.clicked_at')}
    left join pancake_private.analytics_conversations f on f.page_id = k.page_id and f.conversation_id = k.conversation_id
    group by d.day, k.ad_id`.execute(trx);
}

/** Empties every summary of the page, before a rebuild. */
export async function clearPageSummaries(trx: Trx, pageId: string): Promise<void> {
  const tables = ['analytics_conversations', 'analytics_conversation_days', 'analytics_conversation_hours', 'analytics_employee_days', 'analytics_tag_events', ...TABLES];
  for (const table of tables) await sql`delete from ${sql.table(`pancake_private.${table}`)} where page_id = ${pageId}`.execute(trx);
}
