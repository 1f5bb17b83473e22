import { parseApiTimestamp } from '../../../pancake/time.js';
import type { UserStatisticsData } from '../../../pancake/types.js';
import type { StatsUsersTable } from '../../../warehouse/schema.js';
import type { TableSpec } from '../../../warehouse/upsert.js';
import { int, num, str } from '../../coercions.js';
import { dailyStream } from '../../engines/daily.js';
import { type DayWindow, localHour } from '../../engines/days.js';
import { fetchUserStatistics } from './users-batch.js';

export type UserStatsRow = Omit<StatsUsersTable, 'synced_at' | 'raw' | 'day' | 'period_start' | 'average_response_time_ms'> & {
  day: string;
  period_start: Date;
  average_response_time_ms: number | null;
  raw: unknown;
};

const COUNTS = ['inbox_count', 'comment_count', 'unique_inbox_count', 'unique_comment_count', 'private_reply_count', 'phone_number_count'] as const;

export const userStatsTable: TableSpec<UserStatsRow> = {
  table: 'pancake.stats_users',
  key: ['page_id', 'day', 'period_start', 'user_id'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'day', type: 'date' },
    { name: 'period_start', type: 'timestamptz' },
    { name: 'user_id', type: 'text' },
    { name: 'hour', type: 'smallint' },
    { name: 'user_name', type: 'text' },
    { name: 'user_fb_id', type: 'text' },
    ...COUNTS.map((name) => ({ name, type: 'integer' as const })),
    { name: 'average_response_time_ms', type: 'numeric' },
    { name: 'raw', type: 'jsonb' },
  ],
};

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
  table: userStatsTable,
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
