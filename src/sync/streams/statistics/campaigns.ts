import type { CampaignStatisticsRecord } from '../../../pancake/types.js';
import { str } from '../../coercions.js';
import { decimal, wholeNumber } from './ads.js';
import { dailyStream } from '../../engines/daily.js';
import type { DayWindow } from '../../engines/days.js';
import { describedBy, uniqueKeys } from './entry-keys.js';
import type { RowOf } from '../../../warehouse/tables/declare.js';
import { statsCampaigns } from '../../../warehouse/tables/statistics.js';

// statistics/pages_campaigns: budgets, spend and results per ad campaign (docs/pancake-api.md). The
// answer sums over the requested range, like the ads' by_id, so one request covers one local day
// and each entry becomes the campaign's row of that day.

export type CampaignRow = RowOf<typeof statsCampaigns>;

/**
 * The key of each entry: the campaign id, with the ad set and ad when the answer splits a campaign
 * into them; without ids its name; made unique within the answer (entry-keys.ts).
 */
export function campaignKeys(records: readonly CampaignStatisticsRecord[]): string[] {
  return uniqueKeys(
    records.map((r) => {
      const parts = describedBy([['adset', str(r?.adset_id)], ['ad', str(r?.ad_id)]]);
      const id = str(r?.id);
      if (id !== null) return parts === null ? id : `${id}/${parts}`;
      return describedBy([['adset', str(r?.adset_id)], ['ad', str(r?.ad_id)], ['name', str(r?.name)]]) ?? 'name:';
    }),
  );
}

/** One row per entry of a one-day answer. Clicks are `link_click` (campaigns' name), else `clicks`. */
export function mapCampaigns(records: readonly CampaignStatisticsRecord[], window: DayWindow, pageId: string): CampaignRow[] {
  const entries = records.filter((r): r is CampaignStatisticsRecord => typeof r === 'object' && r !== null);
  const keys = campaignKeys(entries);
  return entries.map((r, i) => ({
    page_id: pageId,
    day: window.firstDay,
    campaign_key: keys[i]!,
    period_start: window.since,
    campaign_id: str(r.id) ?? str(r.campaign_id),
    campaign_name: str(r.name) ?? str(r.campaign_name),
    account_id: str(r.account_id),
    adset_id: str(r.adset_id),
    ad_id: str(r.ad_id),
    status: str(r.status),
    currency: str(r.currency),
    daily_budget: decimal(r.daily_budget),
    lifetime_budget: decimal(r.lifetime_budget),
    budget_remaining: decimal(r.budget_remaining),
    spend: decimal(r.spend),
    ctr: decimal(r.ctr),
    cpc: decimal(r.cpc),
    cpm: decimal(r.cpm),
    purchases: decimal(r.purchases),
    results: decimal(r.results),
    impressions: wholeNumber(r.impressions),
    reach: wholeNumber(r.reach),
    clicks: wholeNumber(r.link_click ?? r.clicks),
    raw: r,
  }));
}

export const campaignsStream = dailyStream<CampaignRow>({
  stream: 'stats_campaigns',
  description: 'ad campaigns per local day: budgets, spend, clicks, results (statistics/pages_campaigns, one request per day)',
  table: statsCampaigns,
  maxDays: 1,
  requestsPerWindow: 1,
  async fetch(ctx, window) {
    const records = await ctx.client.getCampaignStatistics(ctx.page.id, { since: window.since, until: window.until });
    return mapCampaigns(records, window, ctx.page.id);
  },
});
