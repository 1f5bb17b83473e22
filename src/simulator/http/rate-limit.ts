// The API's rate limit: a page (or, on the user API, a token) that sends more than the limit within
// any second gets a rate-limited answer until its older requests leave the window. Pancake's limit
// is per page and shared with every other integration of the shop on it (docs/pancake-api.md), so
// another client's steady load can take part of a page's budget: its hits count in the same window.

/** Another integration spending `perSecond` requests a second of each page's budget (of `pageIds`, default every page). */
export interface OtherClientLoad {
  perSecond: number;
  pageIds?: string[];
}

/** At most `limit` accepted requests per key in any 1-second sliding window. */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  /** `reserved`: hits of other clients in the window ending now, which our requests cannot use. */
  admit(key: string, limit: number, now: number, reserved = 0): boolean {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - 1000);
    const ok = recent.length + reserved < limit;
    if (ok) recent.push(now);
    this.hits.set(key, recent);
    return ok;
  }
}

/**
 * The other client's hits in the second (now - 1000, now]: evenly spaced, one every 1000/perSecond
 * ms from the epoch, for the whole run. Counted, not simulated: no timer, no request, the same
 * answer for the same instant.
 */
export function otherClientHits(load: OtherClientLoad | null, pageId: string | null, now: number): number {
  if (load === null || !(load.perSecond > 0) || pageId === null) return 0;
  if (load.pageIds && !load.pageIds.includes(pageId)) return 0;
  const interval = 1000 / load.perSecond;
  return Math.floor(now / interval) - Math.floor((now - 1000) / interval);
}
