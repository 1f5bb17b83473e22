import type { NewCustomerStatisticsRecord } from '../../../pancake/types.js';
import { parseApiTimestamp } from '../../../pancake/time.js';
import type { Granularity } from '../../../warehouse/schema.js';
import { int } from '../../coercions.js';
import { dailyStream } from '../../engines/daily.js';
import { type Day, type DayWindow, dayStart, localHour } from '../../engines/days.js';
import type { RowOf } from '../../../warehouse/tables/declare.js';
import { statsNewCustomers } from '../../../warehouse/tables/statistics.js';

export type NewCustomersRow = RowOf<typeof statsNewCustomers>;

/** A day key as "2026-08-26" (inferred) or "26/08/2026" (the date_range's own format). */
export function parseDayKey(key: unknown): Day | null {
  if (typeof key !== 'string') return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key.trim());
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(key.trim());
  return dmy ? `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}` : null;
}

/**
 * `{ key, count }` → rows. `group_by=day` keys are local days; `group_by=hour` keys are the hour's
 * start (a timestamp, inferred). Keys that cannot be placed are skipped; the API's record stays in `raw`.
 */
export function mapNewCustomers(records: readonly NewCustomerStatisticsRecord[], window: DayWindow, pageId: string, granularity: Granularity): NewCustomersRow[] {
  const rows: NewCustomersRow[] = [];
  for (const record of records) {
    let period: { day: Day; start: Date; hour: number | null } | null = null;
    if (granularity === 'day') {
      const day = parseDayKey(record?.key);
      if (day) period = { day, start: dayStart(day, window.zone), hour: null };
    } else {
      const start = parseApiTimestamp(record?.key);
      if (start) period = { start, ...localHour(start, window.zone) };
    }
    if (!period) continue;
    rows.push({ page_id: pageId, day: period.day, granularity, period_start: period.start, hour: period.hour, count: int(record.count), raw: record });
  }
  return rows;
}

// Opt-in: Pancake's API description lists this statistic without a path. The request below
// (page_customers with date_range and group_by) is one public client's guess; the documented
// page_customers answers a customer list instead, so on a real shop this stream may fail. New
// customers per day are counted from pancake.customers in pancake_analytics.daily_new_customers.
export const newCustomersStream = dailyStream<NewCustomersRow>({
  stream: 'stats_new_customers',
  description: 'new customers per local day and per hour (page_customers with date_range, group_by day and hour)',
  optIn: 'its request (page_customers with date_range and group_by) is a guess: it is not in Pancake\'s API description',
  table: statsNewCustomers,
  maxDays: 30,
  requestsPerWindow: 2,
  async fetch(ctx, window) {
    const dateRange = { since: window.since, until: window.until };
    const daily = await ctx.client.getNewCustomerStatistics(ctx.page.id, { dateRange, groupBy: 'day', timezone: window.zone });
    const hourly = await ctx.client.getNewCustomerStatistics(ctx.page.id, { dateRange, groupBy: 'hour', timezone: window.zone });
    return [...mapNewCustomers(daily.data, window, ctx.page.id, 'day'), ...mapNewCustomers(hourly.data, window, ctx.page.id, 'hour')];
  },
});
