// Shared pieces of the 0008 view definitions: the shape of a view, the page columns every view
// starts with, and the column descriptions that repeat. Frozen with the migration like any DDL.

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

/** The page columns joined onto an aggregate `a` that has page_id; quals on a's columns reach its tables. */
export function withPage(columns: string, inner: string, join = ''): string {
  return `select a.page_id, p.name as page_name, p.platform as channel, ${columns}
    from (${inner}) a left join pancake.pages p on p.id = a.page_id ${join}`;
}

/** Median and 90th percentile of `expr` in seconds, rounded to a tenth. */
export function percentiles(expr: string, prefix: string): string {
  return `round((percentile_cont(0.5) within group (order by ${expr}))::numeric, 1) as median_${prefix}seconds,
          round((percentile_cont(0.9) within group (order by ${expr}))::numeric, 1) as p90_${prefix}seconds`;
}

/** Seconds from `from` to `to`, null when either is. */
export function seconds(to: string, from: string): string {
  return `round(extract(epoch from (${to} - ${from}))::numeric, 3)`;
}
