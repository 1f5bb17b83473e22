import type { EngagementStatisticsResponse } from '../../../pancake/types.js';
import type { Granularity, StatsEngagementTable } from '../../../warehouse/schema.js';
import type { TableSpec } from '../../../warehouse/upsert.js';
import { int } from '../../map.js';
import { type Period, dayPeriods, hourPeriods } from './columnar.js';
import { dailyStream } from './daily.js';
import type { DayWindow } from './days.js';

export type EngagementRow = Omit<StatsEngagementTable, 'synced_at' | 'raw' | 'day' | 'period_start'> & { day: string; period_start: Date; raw: unknown };

export const engagementTable: TableSpec<EngagementRow> = {
  table: 'pancake.stats_engagement',
  key: ['page_id', 'day', 'granularity', 'period_start'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'day', type: 'date' },
    { name: 'granularity', type: 'text' },
    { name: 'period_start', type: 'timestamptz' },
    { name: 'hour', type: 'smallint' },
    { name: 'inbox', type: 'integer' },
    { name: 'comment', type: 'integer' },
    { name: 'total', type: 'integer' },
    { name: 'new_customer', type: 'integer' },
    { name: 'new_customer_from_inbox', type: 'integer' },
    { name: 'raw', type: 'jsonb' },
  ],
};

/**
 * Columnar → rows: category i of every series becomes row i. `raw` keeps the label and every
 * series' value, including series we do not have a column for. (The answer's `statistics`, an
 * hour-of-day profile of the whole range, is not stored: the hourly rows give it for any range.)
 */
export function mapEngagement(body: EngagementStatisticsResponse, window: DayWindow, pageId: string, granularity: Granularity): EngagementRow[] {
  const { categories, series } = body.data;
  const periods: Period[] = granularity === 'day' ? dayPeriods(categories, window, 'engagement categories') : hourPeriods(categories, window, 'hourly engagement categories');
  return periods.map((period, i) => {
    const values: Record<string, unknown> = {};
    for (const s of series) if (s && typeof s.name === 'string') values[s.name] = Array.isArray(s.data) ? (s.data[i] ?? null) : null;
    return {
      page_id: pageId,
      day: period.day,
      granularity,
      period_start: period.start,
      hour: period.hour,
      inbox: int(values.inbox),
      comment: int(values.comment),
      total: int(values.total),
      new_customer: int(values.new_customer),
      new_customer_from_inbox: int(values.new_customer_from_inbox),
      raw: { category: categories[i], ...values },
    };
  });
}

export const engagementStream = dailyStream<EngagementRow>({
  stream: 'stats_engagement',
  description: 'customer engagement per local day and per hour (statistics/customer_engagements)',
  table: engagementTable,
  maxDays: 30,
  requestsPerWindow: 2,
  async fetch(ctx, window) {
    const dateRange = { since: window.since, until: window.until };
    const daily = await ctx.client.getEngagementStatistics(ctx.page.id, { dateRange, timezone: window.zone });
    const hourly = await ctx.client.getEngagementStatistics(ctx.page.id, { dateRange, byHour: true, timezone: window.zone });
    return [...mapEngagement(daily, window, ctx.page.id, 'day'), ...mapEngagement(hourly, window, ctx.page.id, 'hour')];
  },
});
