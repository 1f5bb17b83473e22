import { sql } from 'kysely';
import { dayArray } from './days.js';
import { replaceRows, type PageZone, type SummaryPart, type Trx } from './scope.js';

// Totals the views read as they are, so that a whole-view scan reads a few thousand rows: per local
// day and hour, per employee and day, per week and month. Each is recomputed from the per-conversation
// summaries for the days (and the weeks and months holding them) a refresh touched. Percentiles and
// distinct counts cannot be added up from smaller totals, hence recomputation rather than increments.

const MART = 'pancake_private';
const SUMS = sql.raw(['messages', 'customer_messages', 'employee_messages', 'bot_messages', 'page_notice_messages'].map((c) => `sum(${c})::int as ${c}`).join(', '));
const REPLY_SECONDS = 'round(extract(epoch from (first_employee_reply_at - first_customer_message_at))::numeric, 3)';
const ANSWERED_BY_EMPLOYEE = sql.raw('first_employee_reply_at is not null and responder_user_id is not null');

function percentiles(expr: string, prefix: string) {
  return sql.raw(`round((percentile_cont(0.5) within group (order by ${expr}))::numeric, 1) as median_${prefix}seconds,
    round((percentile_cont(0.9) within group (order by ${expr}))::numeric, 1) as p90_${prefix}seconds`);
}

/** Local days whose totals to redo: per hour, per employee. */
export interface TotalDays {
  hours: readonly string[];
  employees: readonly string[];
}

/** The parts replacing the hour totals and the employee totals of their days (see replaceRows). */
export function dayTotalParts(target: PageZone, days: TotalDays): SummaryPart[] {
  return [...(days.hours.length > 0 ? [hourTotals(target, days.hours)] : []), ...(days.employees.length > 0 ? [employeeTotals(target, days.employees)] : [])];
}

function hourTotals({ pageId }: PageZone, days: readonly string[]): SummaryPart {
  const inDays = dayArray(days);
  return {
    table: 'analytics_hour_totals', key: ['day', 'hour', 'conversation_type'], values: ['messages', 'customer_messages', 'employee_messages', 'bot_messages', 'page_notice_messages', 'new_conversations'],
    within: sql`t.day = any(${inDays})`, report: 'day',
    fresh: sql`
      select ${pageId}::text as page_id, day, hour, conversation_type, ${SUMS}, sum(new_conversations)::int as new_conversations
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

function employeeTotals({ pageId }: PageZone, days: readonly string[]): SummaryPart {
  const inDays = dayArray(days);
  return {
    table: 'analytics_employee_day_totals', key: ['day', 'user_id'], within: sql`t.day = any(${inDays})`, report: 'day',
    values: ['user_name', 'assigned_active_conversations', 'conversations_replied', 'messages_sent', 'first_replies', 'median_first_response_seconds', 'p90_first_response_seconds'],
    fresh: sql`
      select ${pageId}::text as page_id, day, user_id, max(user_name) as user_name, sum(assigned)::int as assigned_active_conversations,
             sum(replied)::int as conversations_replied, sum(sent)::int as messages_sent, sum(first_reply)::int as first_replies, ${percentiles('response_seconds', 'first_response_')}
      from (
        select day, user_id, user_name, 0 as assigned, 1 as replied, messages as sent, 0 as first_reply, null::numeric as response_seconds
        from ${sql.table(`${MART}.analytics_employee_days`)} where page_id = ${pageId} and day = any(${inDays})
        union all
        select d.day, a.user_id, a.user_name, 1, 0, 0, 0, null
        from ${sql.table(`${MART}.analytics_conversation_days`)} d
        join ${sql.table(`${MART}.analytics_assignments`)} a on a.page_id = d.page_id and a.conversation_id = d.conversation_id
        where d.page_id = ${pageId} and d.day = any(${inDays}) and d.customer_messages > 0
        union all
        select first_customer_day, responder_user_id, responder_name, 0, 0, 0, 1, ${sql.raw(REPLY_SECONDS)}
        from ${sql.table(`${MART}.analytics_conversations`)} where page_id = ${pageId} and first_customer_day = any(${inDays}) and ${ANSWERED_BY_EMPLOYEE}
      ) w
      group by day, user_id`,
  };
}

/** Monday of the ISO week, and the first of the month, of a local date YYYY-MM-DD. */
export function periodStarts(days: readonly string[]): { weeks: string[]; months: string[] } {
  const weeks = new Set<string>();
  const months = new Set<string>();
  for (const day of days) {
    const date = new Date(`${day}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
    weeks.add(date.toISOString().slice(0, 10));
    months.add(`${day.slice(0, 7)}-01`);
  }
  return { weeks: [...weeks], months: [...months] };
}

/**
 * Distinct conversations per week and month (for every period holding one of `activityDays`), and
 * employees' response percentiles (for every period holding one of `responseDays`).
 */
export async function refreshPeriods(trx: Trx, target: PageZone, activityDays: readonly string[], responseDays: readonly string[]): Promise<void> {
  const parts = [...(activityDays.length > 0 ? [periodActivity(target, activityDays)] : []), ...(responseDays.length > 0 ? [periodResponse(target, responseDays)] : [])];
  await replaceRows(trx, target.pageId, parts);
}

/** The periods holding `days`: which rows to replace, and each period's start and end for the fresh rows. */
function periods(days: readonly string[]) {
  const { weeks, months } = periodStarts(days);
  return {
    within: sql`(t.period = 'week' and t.period_start = any(${weeks}::date[]) or t.period = 'month' and t.period_start = any(${months}::date[]))`,
    // One index range per period (a lateral subquery each), whatever the statistics say.
    list: sql`(select 'week'::text as period, unnest(${weeks}::date[]) as start union all select 'month', unnest(${months}::date[])) p
    cross join lateral (select (p.start + case when p.period = 'week' then interval '7 days' else interval '1 month' end)::date as stop) e`,
  };
}

function periodActivity({ pageId }: PageZone, days: readonly string[]): SummaryPart {
  const { within, list } = periods(days);
  return {
    table: 'analytics_period_activity', key: ['period', 'period_start', 'conversation_type'], within, report: null,
    values: ['active_conversations', 'conversations_with_customer_messages', 'messages', 'customer_messages', 'employee_messages', 'bot_messages', 'page_notice_messages'],
    fresh: sql`
      select ${pageId}::text as page_id, p.period, p.start as period_start, a.*
      from ${list} cross join lateral (
        select conversation_type, (count(distinct conversation_id) filter (where messages > 0))::int as active_conversations,
               (count(distinct conversation_id) filter (where customer_messages > 0))::int as conversations_with_customer_messages, ${SUMS}
        from ${sql.table(`${MART}.analytics_conversation_days`)} where page_id = ${pageId} and day >= p.start and day < e.stop
        group by conversation_type
      ) a`,
  };
}

function periodResponse({ pageId }: PageZone, days: readonly string[]): SummaryPart {
  const { within, list } = periods(days);
  return {
    table: 'analytics_period_response', key: ['period', 'period_start', 'user_id'], values: ['user_name', 'first_replies', 'median_response_seconds', 'p90_response_seconds'], within, report: null,
    fresh: sql`
      select ${pageId}::text as page_id, p.period, p.start as period_start, r.*
      from ${list} cross join lateral (
        select responder_user_id as user_id, max(responder_name) as user_name, count(*)::int as first_replies, ${percentiles(REPLY_SECONDS, 'response_')}
        from ${sql.table(`${MART}.analytics_conversations`)}
        where page_id = ${pageId} and first_customer_day >= p.start and first_customer_day < e.stop and ${ANSWERED_BY_EMPLOYEE}
        group by responder_user_id
      ) r`,
  };
}
