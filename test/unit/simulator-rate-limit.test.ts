import { describe, expect, it } from 'vitest';
import { SlidingWindow, otherClientHits } from '../../src/simulator/http/rate-limit.js';

// The simulator's rate limit, at explicit instants: a page's budget per sliding second, part of it
// taken by another client's steady load.

describe("the simulator's rate limit", () => {
  it("counts another client's evenly spaced hits in every second of the run, for its pages only", () => {
    const load = { perSecond: 2, pageIds: ['a'] };
    for (const now of [1_000_000, 1_000_123, 1_000_499, 1_000_500, 1_000_999]) expect(otherClientHits(load, 'a', now)).toBe(2);
    expect(otherClientHits(load, 'b', 1_000_000)).toBe(0);
    expect(otherClientHits(load, null, 1_000_000)).toBe(0);
    expect(otherClientHits(null, 'a', 1_000_000)).toBe(0);
    // A fractional load averages out: 2.5 a second, 2 or 3 in any given second.
    const counts = Array.from({ length: 1000 }, (_, i) => otherClientHits({ perSecond: 2.5 }, 'a', 1_000_000 + i * 37));
    expect(new Set(counts)).toEqual(new Set([2, 3]));
    expect(counts.reduce((n, x) => n + x, 0) / counts.length).toBeCloseTo(2.5, 1);
  });

  it("admits what the other client leaves of the limit in any second", () => {
    const window = new SlidingWindow();
    const at = 5_000_000;
    const admitted = Array.from({ length: 6 }, (_, i) => window.admit('page:a', 5, at + i, 2));
    expect(admitted).toEqual([true, true, true, false, false, false]);
    // A second later the window has room again; another key has its own.
    expect(window.admit('page:a', 5, at + 1000, 2)).toBe(true);
    expect(window.admit('page:b', 5, at, 0)).toBe(true);
  });
});
