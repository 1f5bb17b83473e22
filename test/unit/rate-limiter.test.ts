import { afterEach, describe, expect, it, vi } from 'vitest';
import { PACE_DECREASE, PACE_DECREASE_INTERVAL_MS, PACE_QUIET_MS, PACE_STEP, createTokenRateLimiter } from '../../src/pancake/rate-limiter.js';

afterEach(() => vi.useRealTimers());

async function starts(limiter: ReturnType<typeof createTokenRateLimiter>, token: string, n: number): Promise<number[]> {
  const times: number[] = [];
  const all = Array.from({ length: n }, () => limiter.acquire(token).then(() => times.push(Date.now())));
  await vi.runAllTimersAsync();
  await Promise.all(all);
  return times.sort((a, b) => a - b);
}

describe('per-token rate limiter', () => {
  it('never lets more than `rate` requests of a token start within any second, and paces them evenly', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const times = await starts(createTokenRateLimiter(10), 'a', 35);
    for (let i = 10; i < times.length; i++) expect(times[i]! - times[i - 10]!).toBeGreaterThan(1000);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
    // ...while still using the limit: 35 starts in about 3.5 s.
    expect(times.at(-1)! - times[0]!).toBeLessThan(3_600);
  });

  it('keeps tokens independent, and a rate-limited answer (Retry-After) holds back only that token', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = createTokenRateLimiter(10);
    limiter.rateLimited('a', 2_000);
    const [a, b] = await Promise.all([starts(limiter, 'a', 1), starts(limiter, 'b', 1)]);
    expect(a[0]! - 1_000_000).toBeGreaterThanOrEqual(2_000);
    expect(b[0]! - 1_000_000).toBeLessThan(10);
  });
});

describe('actual sends', () => {
  it('requests paced apart but bunched later (waiting for a concurrency slot) still never exceed the rate in any second', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = createTokenRateLimiter(5);
    // Five requests scheduled over a second, then all held up and released together with five more.
    const sends: number[] = [];
    const send = async () => {
      await limiter.beforeSend('a');
      sends.push(Date.now());
    };
    const all = Array.from({ length: 10 }, () => send());
    await vi.runAllTimersAsync();
    await Promise.all(all);
    for (let i = 5; i < sends.length; i++) expect(sends[i]! - sends[i - 5]!).toBeGreaterThan(1000);
  });
});

describe('adaptive pace (a limit shared with other integrations)', () => {
  it('starts at the configured rate, lowers it on a rate-limited answer, once per burst of answers', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = createTokenRateLimiter(5);
    expect(limiter.pace('a')).toEqual({ rate: 5, rateLimited: 0, heldMs: 0 });
    limiter.rateLimited('a', 1_000);
    // Answers of requests that were in flight together say the same thing: one step down.
    limiter.rateLimited('a', 1_000);
    limiter.rateLimited('a', 1_000);
    expect(limiter.pace('a').rate).toBeCloseTo(5 * PACE_DECREASE);
    expect(limiter.pace('a').rateLimited).toBe(3);
    vi.setSystemTime(1_000_000 + PACE_DECREASE_INTERVAL_MS);
    limiter.rateLimited('a', 1_000);
    expect(limiter.pace('a').rate).toBeCloseTo(5 * PACE_DECREASE ** 2);
    expect(limiter.pace('b').rate).toBe(5);
  });

  it('rises one step after each quiet spell, never above the configured rate', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = createTokenRateLimiter(5);
    limiter.rateLimited('a', 0);
    const lowered = limiter.pace('a').rate;
    vi.setSystemTime(1_000_000 + PACE_QUIET_MS - 1);
    limiter.answered('a');
    expect(limiter.pace('a').rate).toBe(lowered);
    vi.setSystemTime(1_000_000 + PACE_QUIET_MS);
    limiter.answered('a');
    expect(limiter.pace('a').rate).toBeCloseTo(lowered + 5 * PACE_STEP);
    // The next step needs a quiet spell of its own.
    limiter.answered('a');
    expect(limiter.pace('a').rate).toBeCloseTo(lowered + 5 * PACE_STEP);
    for (let i = 2; i < 40; i++) {
      vi.setSystemTime(1_000_000 + i * PACE_QUIET_MS);
      limiter.answered('a');
    }
    expect(limiter.pace('a').rate).toBe(5);
  });

  it('never stops a token: many rate-limited answers leave a small positive pace', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = createTokenRateLimiter(5);
    for (let i = 0; i < 100; i++) {
      vi.setSystemTime(1_000_000 + i * PACE_DECREASE_INTERVAL_MS);
      limiter.rateLimited('a', 0);
    }
    expect(limiter.pace('a').rate).toBeGreaterThan(0);
    expect(limiter.pace('a').rate).toBeLessThan(0.5);
  });

  it('paces a lowered rate: starts spaced 1/rate apart, fractional rates included', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = createTokenRateLimiter(5);
    limiter.rateLimited('a', 0);
    vi.setSystemTime(1_000_000 + PACE_DECREASE_INTERVAL_MS);
    limiter.rateLimited('a', 0);
    const rate = limiter.pace('a').rate;
    expect(rate % 1).not.toBe(0);
    const times = await starts(limiter, 'a', 15);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(Math.floor(1000 / rate));
    const perSecond = Math.ceil(rate);
    for (let i = perSecond; i < times.length; i++) expect(times[i]! - times[i - perSecond]!).toBeGreaterThan(1000);
    // The fractional rate on average, not its whole part.
    expect((times.length - 1) / ((times.at(-1)! - times[0]!) / 1000)).toBeGreaterThan(rate - 0.1);
  });

  it('counts the wall-clock time spent rate-limited: from a rate-limited answer to the next success', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = createTokenRateLimiter(5);
    limiter.rateLimited('a', 1_000);
    vi.setSystemTime(1_000_500);
    limiter.rateLimited('a', 1_000); // the same spell
    vi.setSystemTime(1_002_000);
    expect(limiter.pace('a').heldMs).toBe(2_000); // a spell still going counts up to now
    limiter.answered('a');
    vi.setSystemTime(1_010_000);
    expect(limiter.pace('a').heldMs).toBe(2_000);
    limiter.rateLimited('a', 1_000);
    vi.setSystemTime(1_010_300);
    expect(limiter.pace('a').heldMs).toBe(2_300);
    limiter.resetHeld('a');
    expect(limiter.pace('a').heldMs).toBe(0);
  });
});
