// statistics/pages_campaigns: a bare array, one entry per ad that delivered in the range, carrying
// its campaign (`id`, `name`), ad set and ad, budgets, spend and results, numbers as strings
// (official fields, docs/pancake-api.md). Clicks are `link_click`. Summed over the range, like ads.

import type { CampaignStatisticsRecord } from '../../pancake/types.js';
import type { SimulatorData } from '../shop/model.js';
import { hashSeed } from '../shop/random.js';
import { type SimAd, adsOf, sum } from './ads.js';
import { type Range, hoursOf } from './buckets.js';

/** A campaign's name: its first ad's, as shops often name a campaign after what it sells. */
function campaignName(ads: readonly SimAd[], campaignId: string): string {
  return `Chiến dịch ${ads.find((ad) => ad.campaign_id === campaignId)?.name ?? campaignId}`;
}

export function campaignStatistics(data: SimulatorData, pageId: string, range: Range): CampaignStatisticsRecord[] {
  const ads = adsOf(data, pageId);
  const hours = hoursOf(range);
  return ads.flatMap((ad) => {
    const d = sum(data, pageId, ad, hours);
    if (!d) return [];
    const budget = 100_000 * (1 + (hashSeed(data.seed, 'budget', ad.campaign_id) % 20));
    return [
      {
        id: ad.campaign_id,
        name: campaignName(ads, ad.campaign_id),
        account_id: `act_${hashSeed(data.seed, 'account', pageId) % 1_000_000_000}`,
        adset_id: ad.adset_id,
        ad_id: ad.ad_id,
        status: ad.status,
        currency: ad.currency,
        daily_budget: String(budget),
        lifetime_budget: '0',
        budget_remaining: String(Math.max(0, budget - d.spend)),
        spend: String(d.spend),
        impressions: String(d.impressions),
        reach: String(d.reach),
        link_click: String(d.clicks),
        ctr: d.impressions ? ((d.clicks / d.impressions) * 100).toFixed(2) : '0.00',
        cpc: d.clicks ? (d.spend / d.clicks).toFixed(2) : '0.00',
        cpm: d.impressions ? ((d.spend / d.impressions) * 1000).toFixed(2) : '0.00',
        purchases: String(Math.floor(d.clicks / 5)),
      },
    ];
  });
}
