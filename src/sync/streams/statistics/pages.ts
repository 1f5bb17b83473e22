import { parseApiTimestamp } from '../../../pancake/time.js';
import type { PageStatisticsRecord } from '../../../pancake/types.js';
import { int } from '../../coercions.js';
import { dailyStream } from '../../engines/daily.js';
import { type DayWindow, localHour } from '../../engines/days.js';
import type { RowOf } from '../../../warehouse/tables/declare.js';
import { statsPages } from '../../../warehouse/tables/statistics.js';

export type PageStatsRow = RowOf<typeof statsPages>;

const COUNTS = [
  'new_customer_count',
  'customer_inbox_count',
  'customer_comment_count',
  'page_inbox_count',
  'page_comment_count',
  'phone_number_count',
  'uniq_phone_number_count',
  'new_inbox_count',
  'inbox_interactive_count',
  'today_uniq_website_referral',
  'today_website_guest_referral',
  // Sent when the shop has orders (or asked for with select_fields).
  'order_count',
] as const;

/** One row per hour the API lists; an hour whose `hour` is not a timestamp cannot be placed and is skipped. */
export function mapPageStatistics(records: readonly PageStatisticsRecord[], window: DayWindow, pageId: string): PageStatsRow[] {
  const rows: PageStatsRow[] = [];
  for (const record of records) {
    const start = parseApiTimestamp(record?.hour);
    if (!start) continue;
    const { day, hour } = localHour(start, window.zone);
    const row = { page_id: pageId, day, period_start: start, hour, raw: record } as PageStatsRow;
    for (const name of COUNTS) row[name] = int(record[name]);
    rows.push(row);
  }
  return rows;
}

export const pageStatsStream = dailyStream<PageStatsRow>({
  stream: 'stats_pages',
  description: 'page activity per hour (statistics/pages)',
  table: statsPages,
  maxDays: 30,
  requestsPerWindow: 1,
  async fetch(ctx, window) {
    const body = await ctx.client.getPageStatistics(ctx.page.id, { since: window.since, until: window.until });
    const rows = mapPageStatistics(body.data, window, ctx.page.id);
    if (rows.length < body.data.length) ctx.log.warn({ skipped: body.data.length - rows.length }, 'page statistics rows without a readable hour were skipped');
    return rows;
  },
});
