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

function periodActivity({ pageId }: SummaryPage, days: readonly string[]): SummaryPart {
  const { within, list } = periods(days, ALL);
  return {
    table: 'analytics_period_activity', key: ['period', 'period_start', 'conversation_type'], within, report: null,
    values: ['active_conversations', 'conversations_with_customer_messages', 'messages', 'customer_messages', 'employee_messages', 'bot_messages', 'page_notice_messages', 'ad_clicks'],
    fresh: sql`
      select ${pageId}::text as page_id, p.period, p.start as period_start, a.*
      from ${list} cross join lateral (
        select conversation_type, (count(distinct conversation_id) filter (where messages > 0))::int as active_conversations,
               (count(distinct conversation_id) filter (where customer_messages > 0))::int as conversations_with_customer_messages, ${SUMS}, sum(ad_clicks)::int as ad_clicks
        from ${sql.table(`${MART}.analytics_conversation_days`)} where page_id = ${pageId} and day >= p.start and day < e.stop
        group by conversation_type
      ) a`,
  };
}

/** First replies per employee (user '' for replies without a user id). */
function periodResponse({ pageId }: SummaryPage, days: readonly string[]): SummaryPart {
  const { within, list } = periods(days, ALL);
  return {
    table: 'analytics_period_response', key: ['period', 'period_start', 'user_id'], within, report: null,
    values: ['user_name', 'first_replies', 'median_response_seconds', 'p90_response_seconds', 'median_response_business_seconds', 'p90_response_business_seconds'],
    fresh: sql`
      select ${pageId}::text as page_id, p.period, p.start as period_start, r.*
      from ${list} cross join lateral (
        select coalesce(responder_user_id, '') as user_id, max(responder_name) as user_name, count(*)::int as first_replies,
               ${percentiles('employee_response_seconds', 'response_')}, ${percentiles('employee_response_business_seconds', 'response_business_')}
        from ${sql.table(`${MART}.analytics_conversations`)}
        where page_id = ${pageId} and first_customer_day >= p.start and first_customer_day < e.stop and first_employee_reply_at is not null
        group by coalesce(responder_user_id, '')
      ) r`,
  };
}

function responseByType({ pageId }: SummaryPage, days: readonly string[]): SummaryPart {
  const { within, list } = periods(days, ['day']);
  return {
    table: 'analytics_response_by_type', key: ['period', 'period_start', 'conversation_type'], within, report: null,
    values: ['conversations', 'answered', 'page_initiated', 'answered_by_bot', 'median_employee_response_seconds', 'p90_employee_response_seconds',
      'median_employee_response_business_seconds', 'p90_employee_response_business_seconds', 'median_bot_response_seconds'],
    fresh: sql`
      select ${pageId}::text as page_id, p.period, p.start as period_start, r.*
      from ${list} cross join lateral (
        select conversation_type, count(*)::int as conversations, (count(*) filter (where first_employee_reply_at is not null))::int as answered,
               (count(*) filter (where page_initiated))::int as page_initiated, (count(*) filter (where first_bot_reply_at is not null))::int as answered_by_bot,
               ${percentiles('employee_response_seconds', 'employee_response_')}, ${percentiles('employee_response_business_seconds', 'employee_response_business_')},
               round((percentile_cont(0.5) within group (order by bot_response_seconds))::numeric, 1) as median_bot_response_seconds
        from ${sql.table(`${MART}.analytics_conversations`)}
        where page_id = ${pageId} and first_customer_day >= p.start and first_customer_day < e.stop and first_customer_message_at is not null
        group by conversation_type
      ) r`,
  };
}

function inquiryResponse({ pageId }: SummaryPage, days: readonly string[]): SummaryPart {
  const { within, list } = periods(days, ALL);
  return {
    table: 'analytics_inquiry_response', key: ['period', 'period_start', 'conversation_type'], within, report: null,
    values: ['inquiries', 'follow_ups', 'answered', 'median_employee_response_seconds', 'p90_employee_response_seconds', 'median_employee_response_business_seconds', 'p90_employee_response_business_seconds'],
    fresh: sql`
      select ${pageId}::text as page_id, p.period, p.start as period_start, r.*
      from ${list} cross join lateral (
        select conversation_type, count(*)::int as inquiries, (count(*) filter (where inquiry_number > 1))::int as follow_ups,
               (count(*) filter (where first_employee_reply_at is not null))::int as answered,
               ${percentiles('employee_response_seconds', 'employee_response_')}, ${percentiles('employee_response_business_seconds', 'employee_response_business_')}
        from ${sql.table(`${MART}.analytics_inquiries`)} where page_id = ${pageId} and day >= p.start and day < e.stop
        group by conversation_type
      ) r`,
  };
}

function inquiryResponseByEmployee({ pageId }: SummaryPage, days: readonly string[]): SummaryPart {
  const { within, list } = periods(days, ALL);
  return {
    table: 'analytics_inquiry_response_by_employee', key: ['period', 'period_start', 'user_id'], within, report: null,
    values: ['user_name', 'answered', 'median_response_seconds', 'p90_response_seconds', 'median_response_business_seconds', 'p90_response_business_seconds'],
    fresh: sql`
      select ${pageId}::text as page_id, p.period, p.start as period_start, r.*
      from ${list} cross join lateral (
        select coalesce(responder_user_id, '') as user_id, max(responder_name) as user_name, count(*)::int as answered,
               ${percentiles('employee_response_seconds', 'response_')}, ${percentiles('employee_response_business_seconds', 'response_business_')}
        from ${sql.table(`${MART}.analytics_inquiries`)}
        where page_id = ${pageId} and day >= p.start and day < e.stop and first_employee_reply_at is not null
        group by coalesce(responder_user_id, '')
      ) r`,
  };
}
