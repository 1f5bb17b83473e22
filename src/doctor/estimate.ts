import type { Sample } from './probes.js';

// The backfill `doctor` expects for --since, from what its samples showed: records per day in the
// sample, spread over the range, turned into requests the way each stream pages. Rough by nature
// (a shop's pace changes), so it is printed as "about", and as a lower bound when a sample was cut.

const DAY_MS = 86_400_000;
/** Statistics: days one request covers and requests per window, as the statistics streams declare them. */
const STATISTICS: Readonly<Record<string, { maxDays: number; perWindow: number }>> = {
  stats_engagement: { maxDays: 30, perWindow: 2 },
  stats_pages: { maxDays: 30, perWindow: 1 },
  stats_tags: { maxDays: 30, perWindow: 1 },
  stats_users: { maxDays: 30, perWindow: 1 },
  stats_new_customers: { maxDays: 30, perWindow: 2 },
  stats_ads: { maxDays: 1, perWindow: 1 },
  stats_users_engagements: { maxDays: 1, perWindow: 1 },
  stats_campaigns: { maxDays: 1, perWindow: 1 },
  stats_customer_feedbacks: { maxDays: 1, perWindow: 1 },
};
/** Records per request of the windowed streams. */
const PAGE_SIZE: Readonly<Record<string, number>> = { conversations: 60, customers: 100, posts: 30, call_logs: 30 };

export interface PageEstimate {
  requests: number;
  /** A sample was cut at its page size: the real figure is higher. */
  lowerBound: boolean;
}

/** Requests a page's backfill of `days` days takes, given each stream's sample. */
export function estimatePage(samples: ReadonlyMap<string, Sample | undefined>, streams: readonly string[], days: number, windowDays: number): PageEstimate {
  const windows = Math.max(1, Math.ceil(days / windowDays));
  const records = (sample: Sample | undefined) => (sample === undefined ? 0 : sample.capped || sample.days < days ? (sample.records / sample.days) * days : sample.records);
  let requests = 0;
  let lowerBound = false;
  for (const stream of streams) {
    const sample = samples.get(stream);
    if (sample?.capped) lowerBound = true;
    const statistics = STATISTICS[stream];
    if (statistics) requests += Math.ceil(days / statistics.maxDays) * statistics.perWindow;
    else if (stream === 'messages') {
      const conversations = samples.get('conversations');
      requests += Math.ceil(records(conversations) * (conversations?.batchesPerParent ?? 1));
    } else if (PAGE_SIZE[stream] !== undefined) {
      if (stream === 'call_logs' && sample === undefined) continue; // not configured: not synced
      requests += windows + Math.floor(records(sample) / PAGE_SIZE[stream]);
    } else requests += 1; // tags, page_users: one list each
  }
  return { requests, lowerBound };
}

export interface BackfillEstimate {
  since: string;
  days: number;
  requests: number;
  /** At the rate limit, pages side by side (each page has its own token). */
  seconds: number;
  lowerBound: boolean;
}

export function combine(since: Date, now: Date, pages: readonly PageEstimate[], rateLimitPerSecond: number): BackfillEstimate {
  const requests = pages.reduce((n, p) => n + p.requests, 0);
  const slowest = Math.max(0, ...pages.map((p) => p.requests));
  return {
    since: since.toISOString(),
    days: Math.max(1, Math.ceil((now.getTime() - since.getTime()) / DAY_MS)),
    requests,
    seconds: Math.ceil(slowest / rateLimitPerSecond),
    lowerBound: pages.some((p) => p.lowerBound),
  };
}

export function describeEstimate(e: BackfillEstimate, rateLimitPerSecond: number): string {
  const about = e.lowerBound ? 'at least about' : 'about';
  return `Backfill from ${e.since.slice(0, 10)} (${e.days} days): ${about} ${e.requests} requests, ${about} ${formatSeconds(e.seconds)} at PANCAKE_RATE_LIMIT=${rateLimitPerSecond}/s per page token (pages run side by side).`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
