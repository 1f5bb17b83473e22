import { parseApiTimestamp } from '../../../pancake/time.js';
import type { UserStatisticsData } from '../../../pancake/types.js';
import { int, num, str } from '../../coercions.js';
import { dailyStream } from '../../engines/daily.js';
import { type DayWindow, localHour } from '../../engines/days.js';
import { fetchUserStatistics } from './users-batch.js';
import type { RowOf } from '../../../warehouse/tables/declare.js';
import { statsUsers } from '../../../warehouse/tables/statistics.js';

export type UserStatsRow = RowOf<typeof statsUsers>;

const COUNTS = ['inbox_count', 'comment_count', 'unique_inbox_count', 'unique_comment_count', 'private_reply_count', 'phone_number_count'] as const;

/** Keyed by user id → one row per user and hour; the name comes from the answer's `users` map. */
export function mapUserStatistics(data: UserStatisticsData, window: DayWindow, pageId: string): UserStatsRow[] {
  const rows: UserStatsRow[] = [];
  for (const [userId, records] of Object.entries(data.statistics ?? {})) {
    if (!Array.isArray(records)) continue;
    const user = data.users?.[userId];
    for (const record of records) {
      const start = parseApiTimestamp(record?.hour);
      if (!start) continue;
      const { day, hour } = localHour(start, window.zone);
      const row = {
        page_id: pageId,
        day,
        period_start: start,
        user_id: userId,
        hour,
        user_name: str(user?.user_name),
        user_fb_id: str(user?.user_fb_id),
        average_response_time_ms: num(record.average_response_time),
        raw: record,
      } as UserStatsRow;
      for (const name of COUNTS) row[name] = int(record[name]);
      rows.push(row);
    }
  }
  return rows;
}

export const userStatsStream = dailyStream<UserStatsRow>({
  stream: 'stats_users',
  description: 'employee activity per user and hour (statistics/users; one multi-page request for all pages of the user token when it saves requests)',
  table: statsUsers,
  // A week per request, not the API's month: the answer holds every user's every hour (a month of
  // a 2-page group is 1.4 MB of JSON, 7,200 records). Measured on the benchmark, month-long answers
  // during a backfill's first seconds lifted the peak RSS by 30–45 MiB (their parsed records outlive
  // two young-generation collections and wait in the old one for the first full collection); 13
  // requests instead of 4 for 90 days, and still one for a nightly lookback.
  maxDays: 7,
  requestsPerWindow: 1,
  async fetch(ctx, window) {
    return mapUserStatistics(await fetchUserStatistics(ctx, window), window, ctx.page.id);
  },
});
