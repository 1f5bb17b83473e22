// Shared pieces of the view definitions (migrations/parts/analytics-views.ts creates them): the
// shape of a view, the page columns every view starts with, the column descriptions that repeat,
// and whether a day lies inside what the streams have covered.

export interface ViewSpec {
  name: string;
  comment: string;
  /** Every column of the view, in order, with its description (COMMENT ON COLUMN). */
  columns: Array<[string, string]>;
  body: string;
}

export const MART = 'pancake_private';

export const PAGE_COLUMNS: Array<[string, string]> = [
  ['page_id', 'Page (pancake.pages.id).'],
  ['page_name', 'Page name (pancake.pages.name).'],
  ['channel', 'The page\'s channel, as Pancake names its platform: facebook, instagram, zalo, ... (pancake.pages.platform; null for a page known only from PANCAKE_PAGE_TOKENS).'],
];

export const DAY = 'Local day in the page\'s time zone: its own timezone, or PANCAKE_TIMEZONE when set (the rule of the stats_* tables).';
export const WEEK = 'Monday of the local week (ISO weeks, in the page\'s time zone).';
export const MONTH = 'First day of the local month (in the page\'s time zone).';
export const HOUR = 'Local clock hour, 0-23, in the page\'s time zone.';
export const CONVERSATION_TYPE = 'Kind of conversation: INBOX (messages), COMMENT (a comment thread under a post), RATING (a page review) or LIVESTREAM (pancake.conversations.type).';
export const USER_ID = 'Employee (pancake.page_users.id; messages.sender_user_id).';
export const USER_NAME = 'Employee name (pancake.page_users.name, else the name on their messages).';
export const TAG_ID = 'Tag (pancake.tags.id).';
export const DISTINCT_PER_DAY =
  ' Distinct within the day: summed over several days it counts a conversation once per day it was active; use weekly_active_conversations or monthly_active_conversations for a period.';
export const ANSWERED = 'Answered means one thing in every view: an employee (sender_kind employee, not a bot or an automatic notice) replied after the customer\'s first message.';
export const MEDIAN_WARNING = ' A median does not add up: averaging daily medians is not the median of the period; take it from a weekly or monthly view, or from conversation_first_response.';

/**
 * The page columns joined onto an aggregate `a` that has page_id; quals on a's columns reach its
 * tables. The page comes with the days its streams have covered (`p.<stream>_first_day`, see
 * Covered): one small relation, one join, whatever the view reads of it.
 */
export function withPage(columns: string, inner: string, join = ''): string {
  return `select a.page_id, p.name as page_name, p.platform as channel, ${columns}
    from (${inner}) a left join ${PAGES} p on p.id = a.page_id ${join}`;
}

export const BUSINESS = ' In business seconds: only the time inside the page\'s opening hours (PANCAKE_BUSINESS_HOURS, on the page\'s local clock) counts; equal to the wall-clock seconds when no hours are set.';
export const NO_EMPLOYEE = 'no employee (template or automation)';
export const UNATTRIBUTED = ` Replies of the page marked as an employee's but without a user id (template cards, automations) have a row of their own, user_id null and user_name '${NO_EMPLOYEE}', so that the rows of a period add up to its answered total.`;

/** user_id and user_name of a summary whose unattributed rows carry user_id '' (employee `u` joined). */
export const EMPLOYEE_COLUMNS = `nullif(a.user_id, '') as user_id, case when a.user_id = '' then '${NO_EMPLOYEE}' else coalesce(u.name, a.user_name) end as user_name`;
export const EMPLOYEE_JOIN = 'left join pancake.page_users u on u.page_id = a.page_id and u.id = a.user_id';

/**
 * The streams a row may be computed from, as pancake_private.analytics_pages records the whole
 * local days each has covered (<stream>_first_day, <stream>_last_day; src/warehouse/analytics/coverage.ts).
 */
export type Covered = 'inbox' | 'customers' | 'calls' | 'ads' | 'campaigns' | 'ratings';

const COVERED_NAMES: Record<Covered, string> = {
  inbox: 'conversations and their messages',
  customers: 'customers',
  calls: 'call_logs',
  ads: 'stats_ads',
  campaigns: 'stats_campaigns',
  ratings: 'stats_customer_feedbacks',
};

const COVERED_DAYS = (Object.keys(COVERED_NAMES) as Covered[]).flatMap((s) => [`c.${s}_first_day`, `c.${s}_last_day`]).join(', ');
const PAGES = `(select p.id, p.name, p.platform, ${COVERED_DAYS} from pancake.pages p left join ${MART}.analytics_pages c on c.page_id = p.id)`;

type Period = 'day' | 'week' | 'month';

/** True when the row's whole day, week or month lies inside every stream's covered days (withPage's `p`). */
function completeExpression(streams: readonly Covered[], period: Period): string {
  const [first, last] =
    period === 'day' ? ['a.day', 'a.day'] : period === 'week' ? ['a.week_start', 'a.week_start + 6'] : ['a.month_start', "(a.month_start + interval '1 month')::date - 1"];
  return `coalesce(${streams.map((s) => `${first} >= p.${s}_first_day and ${last} <= p.${s}_last_day`).join(' and ')}, false)`;
}

/** The `complete` column: its SQL (after the view's other columns) and its description. */
export function complete(streams: readonly Covered[], period: Period = 'day'): { sql: string; column: [string, string] } {
  const names = streams.map((s) => COVERED_NAMES[s]).join(', ');
  return {
    sql: `${completeExpression(streams, period)} as complete`,
    column: [
      'complete',
      `True when the whole ${period} lies inside the range every stream this row is computed from had covered at the page's latest sync (${names}; see pancake.sync_state): its numbers hold everything Pancake sent. False for ${period}s before the first synced day or not yet over and synced${streams.includes('inbox') ? ", and while some conversation's messages are still to be fetched" : ''}. Filter on it (where complete) before comparing ${period}s.`,
    ],
  };
}
