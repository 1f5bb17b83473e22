import type { AdsStatisticsRecord } from '../../../pancake/types.js';
import { str } from '../../coercions.js';
import { dailyStream } from '../../engines/daily.js';
import type { DayWindow } from '../../engines/days.js';
import { describedBy, uniqueKeys } from './entry-keys.js';
import type { RowOf } from '../../../warehouse/tables/declare.js';
import { statsAds } from '../../../warehouse/tables/statistics.js';

export type AdsRow = RowOf<typeof statsAds>;

/** Numbers arrive as strings ("12345", "1.5"); keep them exact as numeric text, or null. */
export function decimal(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim().replace(/,/g, '') : '';
  return /^-?\d+(\.\d+)?$/.test(text) ? text : null;
}

export function wholeNumber(value: unknown): string | null {
  const text = decimal(value);
  return text === null ? null : text.replace(/\.\d+$/, '');
}

/** The ad's own id: `ad_id`, else `id`; null when the answer gives neither (the official description's shape). */
export function adIdOfEntry(record: AdsStatisticsRecord): string | null {
  return str(record?.ad_id) ?? str(record?.id);
}

/** The key of each ad of one answer: its id, else its campaign, ad set and name, made unique (entry-keys.ts). */
export function adKeys(records: readonly AdsStatisticsRecord[]): string[] {
  return uniqueKeys(
    records.map((r) => adIdOfEntry(r) ?? describedBy([['campaign', str(r?.campaign_id)], ['adset', str(r?.adset_id)], ['name', str(r?.name) ?? '']]) ?? 'name:'),
  );
}

/** One row per ad of a one-day `by_id` answer. Clicks are `clicks`, or `link_click` where that is what the answer sends. */
export function mapAds(records: readonly AdsStatisticsRecord[], window: DayWindow, pageId: string): AdsRow[] {
  const entries = records.filter((r): r is AdsStatisticsRecord => typeof r === 'object' && r !== null);
  const keys = adKeys(entries);
  return entries.map((record, i) => ({
    page_id: pageId,
    day: window.firstDay,
    ad_key: keys[i]!,
    ad_id: adIdOfEntry(record),
    period_start: window.since,
    ad_name: str(record.name),
    adset_id: str(record.adset_id),
    campaign_id: str(record.campaign_id),
    status: str(record.status),
    currency: str(record.currency),
    reach: wholeNumber(record.reach),
    impressions: wholeNumber(record.impressions),
    clicks: wholeNumber(record.clicks ?? record.link_click),
    spend: decimal(record.spend),
    raw: record,
  }));
}

export const adsStream = dailyStream<AdsRow>({
  stream: 'stats_ads',
  description: 'ads delivery per ad and local day (statistics/ads by_id, one request per day)',
  table: statsAds,
  // by_id sums over the whole range, so per-day numbers need one request per day.
  maxDays: 1,
  requestsPerWindow: 1,
  async fetch(ctx, window) {
    const records = await ctx.client.getAdsStatistics(ctx.page.id, { since: window.since, until: window.until, type: 'by_id' });
    return mapAds(records, window, ctx.page.id);
  },
});
