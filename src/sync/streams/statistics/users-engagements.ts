import type { UserEngagementRecord } from '../../../pancake/types.js';
import { int, str } from '../../coercions.js';
import { dailyStream } from '../../engines/daily.js';
import type { DayWindow } from '../../engines/days.js';
import type { RowOf } from '../../../warehouse/tables/declare.js';
import { statsUsersEngagements } from '../../../warehouse/tables/statistics.js';

// The engagement answer's `users_engagements`: one entry per employee with their numbers over the
// WHOLE requested range. A row per employee and day therefore needs one request per day (the
// stats_engagement stream asks for a month at a time, which would give month totals).

export type UsersEngagementsRow = RowOf<typeof statsUsersEngagements>;

/** The measures seen in a public integration's answer, typed by their own names; every measure (these or others) is in `measures`. */
export const USER_ENGAGEMENT_MEASURES = [
  'inbox_count',
  'comment_count',
  'total_engagement',
  'customer_engagement_new_inbox',
  'new_customer_replied_count',
  'order_count',
  'old_order_count',
] as const;

const IDENTITY = new Set(['user_id', 'name', 'user_name', 'id']);

/** One row per employee of a one-day answer; an entry without a user id cannot be placed and is skipped. */
export function mapUsersEngagements(records: readonly UserEngagementRecord[] | undefined, window: DayWindow, pageId: string): UsersEngagementsRow[] {
  if (!Array.isArray(records)) return [];
  return records.flatMap((record) => {
    const userId = str(record?.user_id) ?? str(record?.id);
    if (userId === null) return [];
    const measures = Object.fromEntries(Object.entries(record).filter(([key, value]) => !IDENTITY.has(key) && (typeof value === 'number' || typeof value === 'string')));
    const row = { page_id: pageId, day: window.firstDay, user_id: userId, period_start: window.since, user_name: str(record.name) ?? str(record.user_name), measures, raw: record } as UsersEngagementsRow;
    for (const name of USER_ENGAGEMENT_MEASURES) row[name] = int(record[name]);
    return [row];
  });
}

export const usersEngagementsStream = dailyStream<UsersEngagementsRow>({
  stream: 'stats_users_engagements',
  description: 'engagement per employee and local day (users_engagements of statistics/customer_engagements, one request per day)',
  table: statsUsersEngagements,
  // users_engagements sums over the whole range, so per-day numbers need one request per day.
  maxDays: 1,
  requestsPerWindow: 1,
  async fetch(ctx, window) {
    const body = await ctx.client.getEngagementStatistics(ctx.page.id, { dateRange: { since: window.since, until: window.until }, timezone: window.zone });
    return mapUsersEngagements(body.users_engagements, window, ctx.page.id);
  },
});
