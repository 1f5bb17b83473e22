// The API's per-token rate limit: a token that sends more than the limit within any second gets
// HTTP 429 until its older requests leave the window.

/** At most `limit` accepted requests per key in any 1-second sliding window. */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  admit(key: string, limit: number, now: number): boolean {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - 1000);
    const ok = recent.length < limit;
    if (ok) recent.push(now);
    this.hits.set(key, recent);
    return ok;
  }
}
