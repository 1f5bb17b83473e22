// Per-token pacing. Pancake's limit is per token (docs/pancake-api.md: ~5 requests/s), so each token gets
// its own schedule: request starts are spaced 1/rate apart, at most `rate` starts fall in any
// second (plus a small margin, because a request can reach the server a little earlier or later
// than it left us, and a server that counts a sliding second then sees one request too many),
// and a 429's Retry-After pauses every request of that token, not only the one refused.
// (p-throttle paces, but cannot pause a token from the outside, which is why this is ours.)

export interface TokenRateLimiter {
  /** Resolves when the token may send its next request; rejects with the signal's reason if it aborts first. */
  acquire(tokenKey: string, signal?: AbortSignal): Promise<void>;
  /**
   * Called right before the request is sent (after waiting for a concurrency slot, which can
   * bunch requests that were paced apart): waits if the actual sends of the last second are full.
   */
  beforeSend(tokenKey: string): Promise<void>;
  /** Holds back every request of the token for `ms` (from a Retry-After). */
  pause(tokenKey: string, ms: number): void;
}

/** Added to the one-second window for arrival jitter (see bench/README.md for the 429s it leaves). */
const WINDOW_MARGIN_MS = 10;

interface TokenSchedule {
  nextStart: number;
  /** Start times of the last `limit` requests, oldest first. */
  recent: number[];
  /** When the last `limit` requests actually left, oldest first. */
  sent: number[];
}

export function createTokenRateLimiter(requestsPerSecond: number): TokenRateLimiter {
  const spacingMs = 1000 / requestsPerSecond;
  const perWindow = Math.max(1, Math.floor(requestsPerSecond));
  const schedules = new Map<string, TokenSchedule>();
  const scheduleOf = (key: string): TokenSchedule => {
    let schedule = schedules.get(key);
    if (!schedule) schedules.set(key, (schedule = { nextStart: 0, recent: [], sent: [] }));
    return schedule;
  };

  return {
    async acquire(tokenKey, signal) {
      const schedule = scheduleOf(tokenKey);
      const now = Date.now();
      let start = Math.max(now, schedule.nextStart);
      if (schedule.recent.length >= perWindow) start = Math.max(start, (schedule.recent[0] as number) + 1000 + WINDOW_MARGIN_MS);
      schedule.nextStart = start + spacingMs;
      schedule.recent.push(start);
      if (schedule.recent.length > perWindow) schedule.recent.shift();
      if (start > now) await sleep(start - now, signal);
    },
    async beforeSend(tokenKey) {
      const schedule = scheduleOf(tokenKey);
      for (;;) {
        const now = Date.now();
        const oldest = schedule.sent.length >= perWindow ? (schedule.sent[0] as number) : null;
        const wait = oldest === null ? 0 : oldest + 1000 + WINDOW_MARGIN_MS - now;
        if (wait <= 0) {
          schedule.sent.push(now);
          if (schedule.sent.length > perWindow) schedule.sent.shift();
          return;
        }
        await sleep(wait);
      }
    },
    pause(tokenKey, ms) {
      const schedule = scheduleOf(tokenKey);
      const until = Date.now() + ms;
      if (schedule.nextStart < until) schedule.nextStart = until;
    },
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
