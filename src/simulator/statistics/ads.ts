// Simulated Facebook ads of a page: ads one after another, each running for a stretch of time, with
// hourly delivery drawn from a hash of (ad, hour). The ads endpoint answers a bare array whose
// numbers are strings (docs/pancake-api.md), summed over the requested range.

import type { AdsStatisticsRecord } from '../../pancake/types.js';
import type { SimulatorData } from '../shop/model.js';
import { Random, hashSeed } from '../shop/random.js';
import { type Range, dayBuckets, hoursOf } from './buckets.js';
import { bumpCount, hourIndex, statisticsZone } from './state.js';
import { adTitle } from '../shop/page-texts.js';

export interface SimAd {
  ad_id: string;
  adset_id: string;
  campaign_id: string;
  name: string;
  status: 'ACTIVE' | 'PAUSED';
  currency: string;
  /** Delivery runs over UTC hours [startHour, endHour). */
  startHour: number;
  endHour: number;
  /** The promoted post, `<page_id>_<post_id>`: where an ad click opens the thread from. */
  post_id: string;
  /** What the post shows: the ad click's context has a photo_url or a video_url. */
  media: 'photo' | 'video';
  /**
   * Whether the ads answer names the ad (`ad_id`). The official description's entries carry no id:
   * some ads are answered that way, and two of them share a name (officialAdShapes).
   */
  servesId: boolean;
}

const adsCache = new WeakMap<SimulatorData, Map<string, SimAd[]>>();

/**
 * The ads of a Facebook page (other channels run none): one after another with overlaps, so that at
 * any hour from well before the history (older visits of a customer are older than it) until a day
 * after `now` at least one ad delivers. Ad clicks pick among the ads delivering at that hour, which is
 * what lets clicks join to these ads' spend.
 */
export function adsOf(data: SimulatorData, pageId: string): SimAd[] {
  let byPage = adsCache.get(data);
  if (!byPage) adsCache.set(data, (byPage = new Map()));
  const page = data.pages.find((p) => p.id === pageId);
  if (!page) return [];
  let ads = byPage.get(pageId);
  if (!ads) {
    ads = [];
    if (page.platform === 'facebook') {
      const rng = Random.of('ads', data.seed, pageId);
      const now = hourIndex(data.now.getTime());
      const oldest = now - (data.historyDays + ADS_BEFORE_HISTORY_DAYS) * 24;
      for (let end = now + 24; end > oldest; ) {
        const startHour = end - rng.int(15, 60) * 24 - rng.int(0, 23);
        ads.push({
          ad_id: rng.chance(0.6) ? rng.digits(13) : rng.digits(18),
          adset_id: `238${rng.digits(14)}`,
          campaign_id: `238${rng.digits(14)}`,
          name: adTitle(rng),
          status: end > now ? 'ACTIVE' : 'PAUSED',
          currency: 'VND',
          startHour,
          endHour: end,
          post_id: `${pageId}_${rng.digits(16)}`,
          media: rng.chance(0.5) ? 'photo' : 'video',
          servesId: true,
        });
        end = startHour + rng.int(1, 7) * 24;
      }
      officialAdShapes(ads);
    }
    byPage.set(pageId, ads);
  }
  return ads;
}

/**
 * What the official description's ads answers show, without a draw (the rest of a seed's data stays
 * as it was): ads 1 and 2, which run side by side for a few days, share a name and are answered
 * without `ad_id`, as is every fourth ad after them; ads run two to a campaign.
 */
function officialAdShapes(ads: SimAd[]): void {
  ads.forEach((ad, i) => {
    ad.servesId = !(i === 1 || i === 2 || i % 4 === 3);
    ad.campaign_id = ads[i - (i % 2)]!.campaign_id;
  });
  if (ads[2] && ads[1]) ads[2].name = ads[1].name;
}

/** How far before the history the ads reach: customers' older visits (ad clicks days apart) lie there. */
const ADS_BEFORE_HISTORY_DAYS = 200;

export interface Delivery {
  reach: number;
  impressions: number;
  clicks: number;
  spend: number;
}

function deliveryAt(data: SimulatorData, pageId: string, ad: SimAd, hour: number): Delivery | null {
  if (hour < ad.startHour || hour >= ad.endHour) return null;
  const v = hashSeed(data.seed, 'ad-hour', ad.ad_id, hour);
  const impressions = 20 + (v % 300) + 100 * bumpCount(data, pageId, hour);
  return { impressions, reach: Math.floor(impressions * 0.6), clicks: Math.floor((impressions * ((v >>> 12) % 4)) / 100), spend: impressions * 40 };
}

/** The sum of some deliveries; null when none delivered. */
function total(deliveries: ReadonlyArray<Delivery | null>): Delivery | null {
  let sum: Delivery | null = null;
  for (const d of deliveries) {
    if (!d) continue;
    sum ??= { reach: 0, impressions: 0, clicks: 0, spend: 0 };
    sum.reach += d.reach;
    sum.impressions += d.impressions;
    sum.clicks += d.clicks;
    sum.spend += d.spend;
  }
  return sum;
}

export function sum(data: SimulatorData, pageId: string, ad: SimAd, hours: readonly number[]): Delivery | null {
  return total(hours.map((h) => deliveryAt(data, pageId, ad, h)));
}

function asStrings(d: Delivery): Pick<AdsStatisticsRecord, 'reach' | 'impressions' | 'clicks' | 'spend'> & { ctr: string; cpm: string } {
  return {
    reach: String(d.reach),
    impressions: String(d.impressions),
    clicks: String(d.clicks),
    spend: String(d.spend),
    ctr: d.impressions ? ((d.clicks / d.impressions) * 100).toFixed(2) : '0.00',
    cpm: d.impressions ? ((d.spend / d.impressions) * 1000).toFixed(2) : '0.00',
  };
}

/** `by_id`: one entry per ad that delivered in the range; `by_time`: one per local day with delivery. */
export function adsStatistics(data: SimulatorData, pageId: string, range: Range, type: 'by_id' | 'by_time'): AdsStatisticsRecord[] {
  const zone = statisticsZone(data, pageId);
  const ads = adsOf(data, pageId);
  const days = dayBuckets(range, zone);
  if (type === 'by_id') {
    const hours = hoursOf(range);
    const first = days[0]?.day;
    const last = days.at(-1)?.day;
    return ads.flatMap((ad) => {
      const delivered = sum(data, pageId, ad, hours);
      if (!delivered) return [];
      const id = ad.servesId ? { ad_id: ad.ad_id, adset_id: ad.adset_id, campaign_id: ad.campaign_id } : {};
      return [{ ...id, name: ad.name, status: ad.status, currency: ad.currency, ...asStrings(delivered), date_start: first, date_stop: last }];
    });
  }
  return days.flatMap((bucket) => {
    const day = total(ads.map((ad) => sum(data, pageId, ad, bucket.hours)));
    return day ? [{ date_start: bucket.day, date_stop: bucket.day, currency: 'VND', ...asStrings(day) }] : [];
  });
}
