import { sleep } from '../sleep.js';

// Adaptive pacing per token. Pancake's limit is about 5 requests/s per page, shared with every
// other integration of the shop on that page (docs/pancake-api.md, "Answers, errors and limits"),
// so the share left to us is unknown and changes. Each token gets its own schedule:
//  - request starts are spaced 1/rate apart, at most ⌈rate⌉ starts fall in any second (plus a
//    small margin: a request can reach the server a little earlier or later than it left us);
//  - the rate starts at the configured one (PANCAKE_RATE_LIMIT), which is also its ceiling;
//  - a rate-limited answer (HTTP 429 or error_code 429) lowers it (×0.8, at most once a second:
//    the answers of requests already in flight say the same thing) and holds back every request
//    of the token for the pause asked (Retry-After, or a second);
//  - after a quiet spell (10 s without a rate-limited answer) it rises one step (5 % of the
//    ceiling), so a pace lowered while another integration was busy comes back when it is not.
// (p-throttle paces, but cannot pause or re-pace a token from the outside, which is why this is ours.)

export interface TokenRateLimiter {
  /** Resolves when the token may send its next request; rejects with the signal's reason if it aborts first. */
  acquire(tokenKey: string, signal?: AbortSignal): Promise<void>;
  /**
   * Called right before the request is sent (after waiting for a concurrency slot, which can
   * bunch requests that were paced apart): waits if the actual sends of the last second are full.
   */
  beforeSend(tokenKey: string): Promise<void>;
  /** A rate-limited answer: lowers the token's pace and holds back its requests for `pauseMs`. */
  rateLimited(tokenKey: string, pauseMs: number): void;
  /** An answer that was not rate-limited: it ends a rate-limited spell, and after a quiet spell the pace rises one step. */
  answered(tokenKey: string): void;
  /** The token's pace now, the rate-limited answers it got and how long it was held back. */
  pace(tokenKey: string): TokenPace;
  /** Starts counting the token's held-back time afresh (a queue worker's next task of the page). */
  resetHeld(tokenKey: string): void;
}

export interface TokenPace {
  /** Requests per second the token is paced at now. */
  rate: number;
  /** Rate-limited answers the token got. */
  rateLimited: number;
  /**
   * Wall-clock time the token spent rate-limited: from a rate-limited answer to the next answer that
   * was not (a spell still going counts up to now). The run's wait budget is spent on it.
   */
  heldMs: number;
}

/** Added to the one-second window for arrival jitter (see bench/README.md for the 429s it leaves). */
const WINDOW_MARGIN_MS = 10;
/** The pace after a rate-limited answer, as a share of the pace before it. */
export const PACE_DECREASE = 0.8;
/** Rate-limited answers closer together than this lower the pace once. */
export const PACE_DECREASE_INTERVAL_MS = 1_000;
/** Without a rate-limited answer for this long, the pace rises one step. */
export const PACE_QUIET_MS = 10_000;
/** One step up, as a share of the ceiling. */
export const PACE_STEP = 0.05;
/** The slowest pace, as a share of the ceiling (a token is never stopped: the wait budgets end a hopeless wait). */
const PACE_FLOOR = 0.04;

interface TokenSchedule {
  rate: number;
  nextStart: number;
  /** Start times of the last ⌈rate⌉ requests, oldest first. */
  recent: number[];
  /** When the last ⌈rate⌉ requests actually left, oldest first. */
  sent: number[];
  rateLimited: number;
  lastDecrease: number;
  /** The last rate-limited answer or step up: the quiet spell counts from it. */
  quietSince: number;
  /** Ended rate-limited spells, in ms. */
  heldMs: number;
  /** When the rate-limited spell going on began; null when the last answer was a success. */
  spellSince: number | null;
}

export function createTokenRateLimiter(maxRequestsPerSecond: number): TokenRateLimiter {
  const floor = maxRequestsPerSecond * PACE_FLOOR;
  const schedules = new Map<string, TokenSchedule>();
  const scheduleOf = (key: string): TokenSchedule => {
    let schedule = schedules.get(key);
    if (!schedule) {
      schedule = { rate: maxRequestsPerSecond, nextStart: 0, recent: [], sent: [], rateLimited: 0, lastDecrease: -Infinity, quietSince: Date.now(), heldMs: 0, spellSince: null };
      schedules.set(key, schedule);
    }
    return schedule;
  };
  const perWindow = (schedule: TokenSchedule): number => Math.max(1, Math.ceil(schedule.rate - 1e-9));
  const keepLast = (list: number[], n: number): void => {
    if (list.length > n) list.splice(0, list.length - n);
  };

  return {
    async acquire(tokenKey, signal) {
      const schedule = scheduleOf(tokenKey);
      const limit = perWindow(schedule);
      keepLast(schedule.recent, limit);
      const now = Date.now();
      let start = Math.max(now, schedule.nextStart);
      if (schedule.recent.length >= limit) start = Math.max(start, (schedule.recent[0] as number) + 1000 + WINDOW_MARGIN_MS);
      schedule.nextStart = start + 1000 / schedule.rate;
      schedule.recent.push(start);
      keepLast(schedule.recent, limit);
      if (start > now) await sleep(start - now, signal);
    },
    async beforeSend(tokenKey) {
      const schedule = scheduleOf(tokenKey);
      for (;;) {
        const limit = perWindow(schedule);
        keepLast(schedule.sent, limit);
        const now = Date.now();
        const oldest = schedule.sent.length >= limit ? (schedule.sent[0] as number) : null;
        const wait = oldest === null ? 0 : oldest + 1000 + WINDOW_MARGIN_MS - now;
        if (wait <= 0) {
          schedule.sent.push(now);
          keepLast(schedule.sent, limit);
          return;
        }
        await sleep(wait);
      }
    },
    rateLimited(tokenKey, pauseMs) {
      const schedule = scheduleOf(tokenKey);
      const now = Date.now();
      schedule.rateLimited += 1;
      schedule.quietSince = now;
      if (now - schedule.lastDecrease >= PACE_DECREASE_INTERVAL_MS) {
        schedule.lastDecrease = now;
        schedule.rate = Math.max(floor, schedule.rate * PACE_DECREASE);
      }
      schedule.spellSince ??= now;
      const until = now + pauseMs;
      if (schedule.nextStart < until) schedule.nextStart = until;
    },
    answered(tokenKey) {
      const schedule = scheduleOf(tokenKey);
      const now = Date.now();
      if (schedule.spellSince !== null) {
        schedule.heldMs += now - schedule.spellSince;
        schedule.spellSince = null;
      }
      if (schedule.rate >= maxRequestsPerSecond) return;
      if (now - schedule.quietSince < PACE_QUIET_MS) return;
      schedule.quietSince = now;
      schedule.rate = Math.min(maxRequestsPerSecond, schedule.rate + maxRequestsPerSecond * PACE_STEP);
    },
    pace(tokenKey) {
      const schedule = schedules.get(tokenKey);
      if (!schedule) return { rate: maxRequestsPerSecond, rateLimited: 0, heldMs: 0 };
      const going = schedule.spellSince === null ? 0 : Date.now() - schedule.spellSince;
      return { rate: schedule.rate, rateLimited: schedule.rateLimited, heldMs: schedule.heldMs + going };
    },
    resetHeld(tokenKey) {
      const schedule = schedules.get(tokenKey);
      if (!schedule) return;
      schedule.heldMs = 0;
      if (schedule.spellSince !== null) schedule.spellSince = Date.now();
    },
  };
}
