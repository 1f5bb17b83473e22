import { sql } from 'kysely';
import { dayArray } from './days.js';
import type { SummaryPage, SummaryPart } from './summary-parts.js';

// Totals per local day the views read as they are, so that a whole-view scan reads a few thousand
// rows: per day and hour, per employee and day. Each is recomputed from the per-conversation
// summaries for the days a refresh touched (periods.ts does the same per day, week and month).
// Percentiles and distinct counts cannot be added up from smaller totals, hence recomputation
// rather than increments.

const MART = 'pancake_private';
export const SUMS = sql.raw(['messages', 'customer_messages', 'employee_messages', 'bot_messages', 'page_notice_messages'].map((c) => `sum(${c})::int as ${c}`).join(', '));

/** Median and 90th percentile of `expr`, rounded to a tenth, as median_<prefix>seconds and p90_<prefix>seconds. */
export function percentiles(expr: string, prefix: string) {
  return sql.raw(`round((percentile_cont(0.5) within group (order by ${expr}))::numeric, 1) as median_${prefix}seconds,
    round((percentile_cont(0.9) within group (order by ${expr}))::numeric, 1) as p90_${prefix}seconds`);
}

/** Local days whose totals to redo: per hour, per employee. */
export interface TotalDays {
  hours: readonly string[];
  employees: readonly string[];
}

/** The parts replacing the hour totals and the employee totals of their days (see replaceRows). */
export function dayTotalParts(target: SummaryPage, days: TotalDays): SummaryPart[] {
  return [...(days.hours.length > 0 ? [hourTotals(target, days.hours)] : []), ...(days.employees.length > 0 ? [employeeTotals(target, days.employees)] : [])];
}

function hourTotals({ pageId }: SummaryPage, days: readonly string[]): SummaryPart {
  const inDays = dayArray(days);
  return {
    table: 'analytics_hour_totals', key: ['day', 'hour', 'conversation_type'], values: ['weekday', 'messages', 'customer_messages', 'employee_messages', 'bot_messages', 'page_notice_messages', 'new_conversations'],
    within: sql`t.day = any(${inDays})`, report: 'day',
    fresh: sql`
      select ${pageId}::text as page_id, day, hour, conversation_type, extract(isodow from day)::smallint as weekday, ${SUMS}, sum(new_conversations)::int as new_conversations
      from (
        select day, hour, conversation_type, messages, customer_messages, employee_messages, bot_messages, page_notice_messages, 0 as new_conversations
        from ${sql.table(`${MART}.analytics_conversation_hours`)} where page_id = ${pageId} and day = any(${inDays})
        union all
        select started_day, started_hour, conversation_type, 0, 0, 0, 0, 0, 1
        from ${sql.table(`${MART}.analytics_conversations`)} where page_id = ${pageId} and started_day = any(${inDays})
      ) h
      group by day, hour, conversation_type`,
  };
}

/** Per employee and day; user '' gathers employee messages and first replies without a user id. */
function employeeTotals({ pageId }: SummaryPage, days: readonly string[]): SummaryPart {
  const inDays = dayArray(days);
  return {
    table: 'analytics_employee_day_totals', key: ['day', 'user_id'], within: sql`t.day = any(${inDays})`, report: 'day',
    values: ['user_name', 'assigned_active_conversations', 'conversations_replied', 'messages_sent', 'first_replies', 'median_first_response_seconds', 'p90_first_response_seconds',
      'median_first_response_business_seconds', 'p90_first_response_business_seconds'],
    fresh: sql`
      select ${pageId}::text as page_id, day, user_id, max(user_name) as user_name, sum(assigned)::int as assigned_active_conversations,
             sum(replied)::int as conversations_replied, sum(sent)::int as messages_sent, sum(first_reply)::int as first_replies,
             ${percentiles('response_seconds', 'first_response_')}, ${percentiles('business_seconds', 'first_response_business_')}
      from (
        select day, user_id, user_name, 0 as assigned, 1 as replied, messages as sent, 0 as first_reply, null::numeric as response_seconds, null::numeric as business_seconds
        from ${sql.table(`${MART}.analytics_employee_days`)} where page_id = ${pageId} and day = any(${inDays})
        union all
        select d.day, a.user_id, a.user_name, 1, 0, 0, 0, null, null
        from ${sql.table(`${MART}.analytics_conversation_days`)} d
        join ${sql.table(`${MART}.analytics_assignments`)} a on a.page_id = d.page_id and a.conversation_id = d.conversation_id
        where d.page_id = ${pageId} and d.day = any(${inDays}) and d.customer_messages > 0
        union all
        select first_customer_day, coalesce(responder_user_id, ''), responder_name, 0, 0, 0, 1, employee_response_seconds, employee_response_business_seconds
        from ${sql.table(`${MART}.analytics_conversations`)} where page_id = ${pageId} and first_customer_day = any(${inDays}) and first_employee_reply_at is not null
      ) w
      group by day, user_id`,
  };
}
