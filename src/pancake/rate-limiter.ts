// Per-token pacing. Pancake's limit is per token (pancake-api.md: ~5 requests/s), so each token gets
// its own schedule: request starts are spaced 1/rate apart, and a 429's Retry-After pauses every
// request of that token, not only the one that was refused. (p-throttle paces, but cannot pause a
// token from the outside, which is why this is ours.)

export interface TokenRateLimiter {
  /** Resolves when the token may send its next request. */
  acquire(tokenKey: string): Promise<void>;
  /** Holds back every request of the token for `ms` (from a Retry-After). */
  pause(tokenKey: string, ms: number): void;
}

export function createTokenRateLimiter(requestsPerSecond: number): TokenRateLimiter {
  const spacingMs = 1000 / requestsPerSecond;
  const nextStart = new Map<string, number>();

  return {
    async acquire(tokenKey) {
      const now = Date.now();
      const start = Math.max(now, nextStart.get(tokenKey) ?? 0);
      nextStart.set(tokenKey, start + spacingMs);
      if (start > now) await sleep(start - now);
    },
    pause(tokenKey, ms) {
      const until = Date.now() + ms;
      if ((nextStart.get(tokenKey) ?? 0) < until) nextStart.set(tokenKey, until);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
