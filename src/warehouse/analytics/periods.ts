import { sql, type RawBuilder } from 'kysely';
import { SUMS, percentiles } from './totals.js';
import type { SummaryPage, SummaryPart } from './summary-parts.js';

// Totals per local day, week and month that the views read as they are: distinct conversations
// and messages, first responses by employee and by conversation type, inquiries by type and by
// employee. Each is recomputed for every period holding a day a refresh touched, from the
// per-conversation and per-inquiry summaries; one index range per period (a lateral subquery each).

const MART = 'pancake_private';

/** Local days whose period totals to redo, by what they count. */
export interface PeriodDays {
  /** Days with changed messages (activity). */
  activity: readonly string[];
  /** Days of the customer's first message of conversations whose first replies changed. */
  responses: readonly string[];
  /** Days of changed inquiries. */
  inquiries: readonly string[];
}

type Kind = 'day' | 'week' | 'month';

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

/** The periods of `kinds` holding `days`: which rows to replace, and each period's start and end (`p.start`, `e.stop`). */
function periods(days: readonly string[], kinds: readonly Kind[]): { within: RawBuilder<unknown>; list: RawBuilder<unknown> } {
  const { weeks, months } = periodStarts(days);
  const starts: Record<Kind, readonly string[]> = { day: days, week: weeks, month: months };
  return {
    within: sql`(${sql.join(kinds.map((k) => sql`t.period = ${k} and t.period_start = any(${starts[k]}::date[])`), sql` or `)})`,
    list: sql`(${sql.join(kinds.map((k) => sql`select ${k}::text as period, unnest(${starts[k]}::date[]) as start`), sql` union all `)}) p
      cross join lateral (select (p.start + case p.period when 'day' then interval '1 day' when 'week' then interval '7 days' else interval '1 month' end)::date as stop) e`,
  };
}

const ALL: readonly Kind[] = ['day', 'week', 'month'];

/** The parts replacing the period totals that hold the touched days (see replaceRows). */
export function periodParts(target: SummaryPage, days: PeriodDays): SummaryPart[] {
  return [
    ...(days.activity.length > 0 ? [periodActivity(target, days.activity)] : []),
    ...(days.responses.length > 0 ? [periodResponse(target, days.responses), responseByType(target, days.responses)] : []),
    ...(days.inquiries.length > 0 ? [inquiryResponse(target, days.inquiries), inquiryResponseByEmployee(target, days.inquiries)] : []),
  ];
}

/** A total per period and conversation type, or per period and employee, from one summary table. */
interface PeriodTotal {
  table: string;
  kinds: readonly Kind[];
  /** conversation_type, or user_id: the responder ('' for replies without a user id). */
  per: 'conversation_type' | 'user_id';
  values: string[];
  /** The value columns, in order, as aggregates over the source's rows of one period (named by `values`). */
  select: RawBuilder<unknown>;
  source: 'analytics_conversation_days' | 'analytics_conversations' | 'analytics_inquiries';
  /** The source's local day column the periods are cut by, and which of its rows count. */
  day: string;
  where?: string;
}

function periodTotal({ pageId }: SummaryPage, days: readonly string[], total: PeriodTotal): SummaryPart {
  const { within, list } = periods(days, total.kinds);
  const per = sql.raw(total.per === 'user_id' ? "coalesce(responder_user_id, '')" : 'conversation_type');
  const day = sql.raw(total.day);
  return {
    table: total.table, key: ['period', 'period_start', total.per], within, report: null, values: total.values,
    fresh: sql`
      select ${pageId}::text as page_id, p.period, p.start as period_start, r.*
      from ${list} cross join lateral (
        select ${per} as ${sql.raw(total.per)}, ${total.select}
        from ${sql.table(`${MART}.${total.source}`)} where page_id = ${pageId} and ${day} >= p.start and ${day} < e.stop ${sql.raw(total.where ? `and ${total.where}` : '')}
        group by ${per}
      ) r(${sql.raw([total.per, ...total.values].join(', '))})`,
  };
}

const EMPLOYEE_PERCENTILES = sql`${percentiles('employee_response_seconds', 'employee_response_')}, ${percentiles('employee_response_business_seconds', 'employee_response_business_')}`;
const RESPONDER_PERCENTILES = sql`${percentiles('employee_response_seconds', 'response_')}, ${percentiles('employee_response_business_seconds', 'response_business_')}`;
const RESPONDER_VALUES = ['median_response_seconds', 'p90_response_seconds', 'median_response_business_seconds', 'p90_response_business_seconds'];
const EMPLOYEE_VALUES = ['median_employee_response_seconds', 'p90_employee_response_seconds', 'median_employee_response_business_seconds', 'p90_employee_response_business_seconds'];

function periodActivity(target: SummaryPage, days: readonly string[]): SummaryPart {
  return periodTotal(target, days, {
    table: 'analytics_period_activity', kinds: ALL, per: 'conversation_type', source: 'analytics_conversation_days', day: 'day',
    values: ['active_conversations', 'conversations_with_customer_messages', 'messages', 'customer_messages', 'employee_messages', 'bot_messages', 'page_notice_messages', 'ad_clicks'],
    select: sql`(count(distinct conversation_id) filter (where messages > 0))::int, (count(distinct conversation_id) filter (where customer_messages > 0))::int, ${SUMS}, sum(ad_clicks)::int`,
  });
}

/** First replies per employee. */
function periodResponse(target: SummaryPage, days: readonly string[]): SummaryPart {
  return periodTotal(target, days, {
    table: 'analytics_period_response', kinds: ALL, per: 'user_id', source: 'analytics_conversations', day: 'first_customer_day', where: 'first_employee_reply_at is not null',
    values: ['user_name', 'first_replies', ...RESPONDER_VALUES],
    select: sql`max(responder_name), count(*)::int, ${RESPONDER_PERCENTILES}`,
  });
}

function responseByType(target: SummaryPage, days: readonly string[]): SummaryPart {
  return periodTotal(target, days, {
    table: 'analytics_response_by_type', kinds: ['day'], per: 'conversation_type', source: 'analytics_conversations', day: 'first_customer_day', where: 'first_customer_message_at is not null',
    values: ['conversations', 'answered', 'page_initiated', 'answered_by_bot', ...EMPLOYEE_VALUES, 'median_bot_response_seconds'],
    select: sql`count(*)::int, (count(*) filter (where first_employee_reply_at is not null))::int, (count(*) filter (where page_initiated))::int,
      (count(*) filter (where first_bot_reply_at is not null))::int, ${EMPLOYEE_PERCENTILES},
      round((percentile_cont(0.5) within group (order by bot_response_seconds))::numeric, 1)`,
  });
}

function inquiryResponse(target: SummaryPage, days: readonly string[]): SummaryPart {
  return periodTotal(target, days, {
    table: 'analytics_inquiry_response', kinds: ALL, per: 'conversation_type', source: 'analytics_inquiries', day: 'day',
    values: ['inquiries', 'follow_ups', 'answered', ...EMPLOYEE_VALUES],
    select: sql`count(*)::int, (count(*) filter (where inquiry_number > 1))::int, (count(*) filter (where first_employee_reply_at is not null))::int, ${EMPLOYEE_PERCENTILES}`,
  });
}

function inquiryResponseByEmployee(target: SummaryPage, days: readonly string[]): SummaryPart {
  return periodTotal(target, days, {
    table: 'analytics_inquiry_response_by_employee', kinds: ALL, per: 'user_id', source: 'analytics_inquiries', day: 'day', where: 'first_employee_reply_at is not null',
    values: ['user_name', 'answered', ...RESPONDER_VALUES],
    select: sql`max(responder_name), count(*)::int, ${RESPONDER_PERCENTILES}`,
  });
}
