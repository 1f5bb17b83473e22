import { sql, type Transaction } from 'kysely';
import type { PageZone } from './analytics-scope.js';
import type { Database } from './schema.js';

// Totals the views read as they are, so that a whole-view scan reads a few thousand rows: per local
// day and hour, per employee and day, per week and month. Each is recomputed from the per-conversation
// summaries for the days (and the weeks and months holding them) a refresh touched. Percentiles and
// distinct counts cannot be added up from smaller totals, hence recomputation rather than increments.

type Trx = Transaction<Database>;

const MART = 'pancake_private';

function percentiles(expr: string) {
  return sql.raw(`round((percentile_cont(0.5) within group (order by ${expr}))::numeric, 1), round((percentile_cont(0.9) within group (order by ${expr}))::numeric, 1)`);
}

const SUMS = sql.raw('sum(messages)::int, sum(customer_messages)::int, sum(employee_messages)::int, sum(bot_messages)::int, sum(page_notice_messages)::int');
const REPLY_SECONDS = 'round(extract(epoch from (first_employee_reply_at - first_customer_message_at))::numeric, 3)';
const ANSWERED_BY_EMPLOYEE = sql.raw('first_employee_reply_at is not null and responder_user_id is not null');

/** Recomputes every total of the local days `days` and of the weeks and months that hold them. */
export async function refreshTotals(trx: Trx, { pageId }: PageZone, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  const dayArray = sql`${days}::date[]`;
  for (const table of ['analytics_hour_totals', 'analytics_employee_day_totals']) {
    await sql`delete from ${sql.table(`${MART}.${table}`)} where page_id = ${pageId} and day = any(${dayArray})`.execute(trx);
  }
  await sql`
    insert into ${sql.table(`${MART}.analytics_hour_totals`)} (page_id, day, hour, conversation_type, messages, customer_messages, employee_messages, bot_messages, page_notice_messages, new_conversations)
    select ${pageId}, day, hour, conversation_type, ${SUMS}, sum(new_conversations)::int
    from (
      select day, hour, conversation_type, messages, customer_messages, employee_messages, bot_messages, page_notice_messages, 0 as new_conversations
      from ${sql.table(`${MART}.analytics_conversation_hours`)} where page_id = ${pageId} and day = any(${dayArray})
      union all
      select started_day, started_hour, conversation_type, 0, 0, 0, 0, 0, 1
      from ${sql.table(`${MART}.analytics_conversations`)} where page_id = ${pageId} and started_day = any(${dayArray})
    ) h
    group by day, hour, conversation_type`.execute(trx);

  await sql`
    insert into ${sql.table(`${MART}.analytics_employee_day_totals`)} (page_id, day, user_id, user_name, assigned_active_conversations, conversations_replied,
      messages_sent, first_replies, median_first_response_seconds, p90_first_response_seconds)
    select ${pageId}, day, user_id, max(user_name), sum(assigned)::int, sum(replied)::int, sum(sent)::int, sum(first_reply)::int, ${percentiles('response_seconds')}
    from (
      select day, user_id, user_name, 0 as assigned, 1 as replied, messages as sent, 0 as first_reply, null::numeric as response_seconds
      from ${sql.table(`${MART}.analytics_employee_days`)} where page_id = ${pageId} and day = any(${dayArray})
      union all
      select d.day, a.user_id, a.user_name, 1, 0, 0, 0, null
      from ${sql.table(`${MART}.analytics_conversation_days`)} d
      join ${sql.table(`${MART}.analytics_assignments`)} a on a.page_id = d.page_id and a.conversation_id = d.conversation_id
      where d.page_id = ${pageId} and d.day = any(${dayArray}) and d.customer_messages > 0
      union all
      select first_customer_day, responder_user_id, responder_name, 0, 0, 0, 1, ${sql.raw(REPLY_SECONDS)}
      from ${sql.table(`${MART}.analytics_conversations`)} where page_id = ${pageId} and first_customer_day = any(${dayArray}) and ${ANSWERED_BY_EMPLOYEE}
    ) w
    group by day, user_id`.execute(trx);

  for (const period of ['week', 'month'] as const) await refreshPeriod(trx, pageId, period, days);
}

/** Distinct conversations and employees' response percentiles per week or month: every period holding one of `days`. */
async function refreshPeriod(trx: Trx, pageId: string, period: 'week' | 'month', days: readonly string[]): Promise<void> {
  const { rows } = await sql<{ starts: string[] }>`
    select array_agg(distinct date_trunc(${period}, d)::date::text) as starts from unnest(${days}::date[]) d`.execute(trx);
  const starts = rows[0]?.starts ?? [];
  for (const table of ['analytics_period_activity', 'analytics_period_response']) {
    await sql`delete from ${sql.table(`${MART}.${table}`)} where page_id = ${pageId} and period = ${period} and period_start = any(${starts}::date[])`.execute(trx);
  }
  // One index range per period (a lateral subquery each), whatever the statistics say.
  const periods = sql`unnest(${starts}::date[]) as p(start) cross join lateral (select (p.start + ${`1 ${period}`}::interval)::date as stop) e`;
  await sql`
    insert into ${sql.table(`${MART}.analytics_period_activity`)} (page_id, period, period_start, conversation_type, active_conversations, conversations_with_customer_messages,
      messages, customer_messages, employee_messages, bot_messages, page_notice_messages)
    select ${pageId}, ${period}, p.start, a.*
    from ${periods} cross join lateral (
      select conversation_type, (count(distinct conversation_id) filter (where messages > 0))::int, (count(distinct conversation_id) filter (where customer_messages > 0))::int, ${SUMS}
      from ${sql.table(`${MART}.analytics_conversation_days`)} where page_id = ${pageId} and day >= p.start and day < e.stop
      group by conversation_type
    ) a`.execute(trx);
  await sql`
    insert into ${sql.table(`${MART}.analytics_period_response`)} (page_id, period, period_start, user_id, user_name, first_replies, median_response_seconds, p90_response_seconds)
    select ${pageId}, ${period}, p.start, r.*
    from ${periods} cross join lateral (
      select responder_user_id, max(responder_name), count(*)::int, ${percentiles(REPLY_SECONDS)}
      from ${sql.table(`${MART}.analytics_conversations`)} where page_id = ${pageId} and first_customer_day >= p.start and first_customer_day < e.stop and ${ANSWERED_BY_EMPLOYEE}
      group by responder_user_id
    ) r`.execute(trx);
}
