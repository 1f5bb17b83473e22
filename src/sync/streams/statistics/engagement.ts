import type { EngagementStatisticsResponse } from '../../../pancake/types.js';
import type { Granularity } from '../../../warehouse/schema.js';
import { int } from '../../coercions.js';
import { type Period, dayPeriods, hourPeriods } from './columnar.js';
import { dailyStream } from '../../engines/daily.js';
import type { DayWindow } from '../../engines/days.js';
import type { RowOf } from '../../../warehouse/tables/declare.js';
import { statsEngagement } from '../../../warehouse/tables/statistics.js';

export type EngagementRow = RowOf<typeof statsEngagement>;

/** The series Pancake names (docs/pancake-api.md, "Statistics"), each a column of its own name; any other lands in `series`. */
export const ENGAGEMENT_COLUMNS = ['inbox', 'comment', 'total', 'new_customer_replied', 'order_count', 'old_order_count'] as const;

/**
 * Columnar → rows: category i of every series becomes row i. Every series is kept by the name the
 * answer gives it: the known ones in columns, all of them (known or not) in `series`, and `raw`
 * keeps the label too. (The answer's `statistics`, an hour-of-day profile of the whole range, is
 * not stored: the hourly rows give it for any range. Its `users_engagements` is the
 * stats_users_engagements stream's.)
 */
export function mapEngagement(body: EngagementStatisticsResponse, window: DayWindow, pageId: string, granularity: Granularity): EngagementRow[] {
  const { categories, series } = body.data;
  const periods: Period[] = granularity === 'day' ? dayPeriods(categories, window, 'engagement categories') : hourPeriods(categories, window, 'hourly engagement categories');
  return periods.map((period, i) => {
    const values: Record<string, unknown> = {};
    for (const s of series) if (s && typeof s.name === 'string') values[s.name] = Array.isArray(s.data) ? (s.data[i] ?? null) : null;
    const row = { page_id: pageId, day: period.day, granularity, period_start: period.start, hour: period.hour, series: values, raw: { category: categories[i], ...values } } as EngagementRow;
    for (const name of ENGAGEMENT_COLUMNS) row[name] = int(values[name]);
    return row;
  });
}

export const engagementStream = dailyStream<EngagementRow>({
  stream: 'stats_engagement',
  description: 'customer engagement per local day and per hour, every series by its own name (statistics/customer_engagements)',
  table: statsEngagement,
  maxDays: 30,
  requestsPerWindow: 2,
  async fetch(ctx, window) {
    const dateRange = { since: window.since, until: window.until };
    const daily = await ctx.client.getEngagementStatistics(ctx.page.id, { dateRange, timezone: window.zone });
    const hourly = await ctx.client.getEngagementStatistics(ctx.page.id, { dateRange, byHour: true, timezone: window.zone });
    return [...mapEngagement(daily, window, ctx.page.id, 'day'), ...mapEngagement(hourly, window, ctx.page.id, 'hour')];
  },
});
