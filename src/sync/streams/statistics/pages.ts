import { parseApiTimestamp } from '../../../pancake/time.js';
import type { PageStatisticsRecord } from '../../../pancake/types.js';
import type { StatsPagesTable } from '../../../warehouse/schema.js';
import type { TableSpec } from '../../../warehouse/upsert.js';
import { int } from '../../coercions.js';
import { dailyStream } from '../../engines/daily.js';
import { type DayWindow, localHour } from '../../engines/days.js';

export type PageStatsRow = Omit<StatsPagesTable, 'synced_at' | 'raw' | 'day' | 'period_start'> & { day: string; period_start: Date; raw: unknown };

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

export const pageStatsTable: TableSpec<PageStatsRow> = {
  table: 'pancake.stats_pages',
  key: ['page_id', 'day', 'period_start'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'day', type: 'date' },
    { name: 'period_start', type: 'timestamptz' },
    { name: 'hour', type: 'smallint' },
    ...COUNTS.map((name) => ({ name, type: 'integer' as const })),
    { name: 'raw', type: 'jsonb' },
  ],
};

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
  table: pageStatsTable,
  maxDays: 30,
  requestsPerWindow: 1,
  async fetch(ctx, window) {
    const body = await ctx.client.getPageStatistics(ctx.page.id, { since: window.since, until: window.until });
    const rows = mapPageStatistics(body.data, window, ctx.page.id);
    if (rows.length < body.data.length) ctx.log.warn({ skipped: body.data.length - rows.length }, 'page statistics rows without a readable hour were skipped');
    return rows;
  },
});
