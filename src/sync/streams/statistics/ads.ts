import type { AdsStatisticsRecord } from '../../../pancake/types.js';
import type { StatsAdsTable } from '../../../warehouse/schema.js';
import type { TableSpec } from '../../../warehouse/upsert.js';
import { str } from '../../map.js';
import { dailyStream } from './daily.js';
import type { DayWindow } from './days.js';

type Numbers = 'reach' | 'impressions' | 'clicks' | 'spend';

export type AdsRow = Omit<StatsAdsTable, 'synced_at' | 'raw' | 'day' | 'period_start' | Numbers> & { day: string; period_start: Date; raw: unknown } & Record<Numbers, string | null>;

export const adsTable: TableSpec<AdsRow> = {
  table: 'pancake.stats_ads',
  key: ['page_id', 'day', 'ad_id'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'day', type: 'date' },
    { name: 'ad_id', type: 'text' },
    { name: 'period_start', type: 'timestamptz' },
    { name: 'ad_name', type: 'text' },
    { name: 'adset_id', type: 'text' },
    { name: 'campaign_id', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'currency', type: 'text' },
    { name: 'reach', type: 'bigint' },
    { name: 'impressions', type: 'bigint' },
    { name: 'clicks', type: 'bigint' },
    { name: 'spend', type: 'numeric' },
    { name: 'raw', type: 'jsonb' },
  ],
};

/** Numbers arrive as strings ("12345", "1.5"); keep them exact as numeric text, or null. */
export function decimal(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim().replace(/,/g, '') : '';
  return /^-?\d+(\.\d+)?$/.test(text) ? text : null;
}

function wholeNumber(value: unknown): string | null {
  const text = decimal(value);
  return text === null ? null : text.replace(/\.\d+$/, '');
}

/** One row per ad of a one-day `by_id` answer; an entry without an id is keyed by its name. */
export function mapAds(records: readonly AdsStatisticsRecord[], window: DayWindow, pageId: string): AdsRow[] {
  return records.flatMap((record) => {
    const adId = str(record?.ad_id) ?? str(record?.id) ?? str(record?.name);
    if (adId === null) return [];
    return [
      {
        page_id: pageId,
        day: window.firstDay,
        ad_id: adId,
        period_start: window.since,
        ad_name: str(record.name),
        adset_id: str(record.adset_id),
        campaign_id: str(record.campaign_id),
        status: str(record.status),
        currency: str(record.currency),
        reach: wholeNumber(record.reach),
        impressions: wholeNumber(record.impressions),
        clicks: wholeNumber(record.clicks),
        spend: decimal(record.spend),
        raw: record,
      },
    ];
  });
}

export const adsStream = dailyStream<AdsRow>({
  stream: 'stats_ads',
  description: 'ads delivery per ad and local day (statistics/ads by_id, one request per day)',
  table: adsTable,
  // by_id sums over the whole range, so per-day numbers need one request per day.
  maxDays: 1,
  requestsPerWindow: 1,
  async fetch(ctx, window) {
    const records = await ctx.client.getAdsStatistics(ctx.page.id, { since: window.since, until: window.until, type: 'by_id' });
    return mapAds(records, window, ctx.page.id);
  },
});
