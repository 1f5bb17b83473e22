import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenRateLimiter } from '../../src/pancake/rate-limiter.js';

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

  it('keeps tokens independent, and a pause (Retry-After) holds back only that token', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = createTokenRateLimiter(10);
    limiter.pause('a', 2_000);
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
