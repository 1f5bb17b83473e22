import { describe, expect, it } from 'vitest';
import { walkKeyset, type KeysetPosition } from '../../src/pancake/keyset-walk.js';
import { walkPageNumbers } from '../../src/pancake/page-walk.js';
import { walkSplitting } from '../../src/pancake/split-walk.js';
import type { SecondsWindow, WalkBatch } from '../../src/pancake/window.js';

// Every walk ends, whatever the listing answers: each test counts the requests the walk made
// (a bound, not a clock) and what the walk said of its end.

type Rec = { id: string };
const window = { since: new Date('2026-01-01T00:00:00Z'), until: new Date('2026-01-08T00:00:00Z') };
const records = (from: number, count: number): Rec[] => Array.from({ length: count }, (_, i) => ({ id: `c${from + i}` }));

/** Walks with a fake listing; stops the test instead of hanging if the walk would not end. */
async function walk(listing: (after: string | null, call: number) => Rec[], pageSize = 3): Promise<{ calls: Array<string | null>; batches: Array<WalkBatch<Rec, KeysetPosition>> }> {
  const calls: Array<string | null> = [];
  const batches: Array<WalkBatch<Rec, KeysetPosition>> = [];
  const fetchAfter = async (_range: SecondsWindow, after: string | null) => {
    calls.push(after);
    if (calls.length > 50) throw new Error('the walk did not end');
    return listing(after, calls.length);
  };
  for await (const batch of walkKeyset(fetchAfter, pageSize, window, null)) batches.push(batch);
  return { calls, batches };
}

describe('the keyset walk cannot loop', () => {
  it('a listing that ignores the cursor (same batch, same last id): ends after the second request, marked stuck, naming the cursor', async () => {
    const { calls, batches } = await walk(() => records(1, 3));
    expect(calls).toEqual([null, 'c3']);
    expect(batches.at(-1)).toMatchObject({ position: null, stuck: expect.stringContaining('last_conversation_id=c3') });
    expect(batches.filter((b) => b.stuck !== undefined)).toHaveLength(1);
  });

  it('a listing that repeats its batches in another order (nothing new, another last id): ends after one step back, marked stuck', async () => {
    const { calls, batches } = await walk((_after, call) => (call % 2 === 1 ? records(1, 3) : records(1, 3).reverse()));
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(batches.at(-1)?.stuck).toContain('brought nothing new');
  });

  it('a cursor whose conversation moved to the top mid-walk (the window starts over): one step back to its neighbour, and the walk goes on to the end', async () => {
    // c1..c9 newest first; after c6 is read it is edited and leaves the window: "after c6" then
    // starts the window over (c1..c3), and "after c5" goes on from c6's old place.
    const order = records(1, 9).map((r) => r.id);
    let moved = false;
    const { calls, batches } = await walk((after) => {
      if (after === 'c6') {
        moved = true;
        return order.filter((id) => id !== 'c6').slice(0, 3).map((id) => ({ id }));
      }
      const rows = moved ? order.filter((id) => id !== 'c6') : order;
      const start = after === null ? 0 : rows.indexOf(after) + 1;
      return rows.slice(start, start + 3).map((id) => ({ id }));
    });
    expect(batches.some((b) => b.stuck !== undefined)).toBe(false);
    expect(new Set(batches.flatMap((b) => b.records.map((r) => r.id)))).toEqual(new Set(order));
    expect(calls).toEqual([null, 'c3', 'c6', 'c5', 'c9']);
    expect(batches.at(-1)?.position).toBeNull();
  });

  it('a healthy walk is unchanged: one request per batch, the last short', async () => {
    const { calls, batches } = await walk((after) => {
      const from = after === null ? 1 : Number(after.slice(1)) + 1;
      return records(from, Math.min(3, 8 - from + 1));
    });
    expect(calls).toEqual([null, 'c3', 'c6']);
    expect(batches.map((b) => b.records.length)).toEqual([3, 3, 2]);
    expect(batches.some((b) => b.stuck !== undefined)).toBe(false);
  });
});

describe('page-number walks cannot loop either', () => {
  it('a listing that ignores page_number (posts, call logs): ends at the first repeated full page, marked stuck', async () => {
    const pages: number[] = [];
    const batches = [];
    for await (const batch of walkPageNumbers(async (n) => {
      pages.push(n);
      if (pages.length > 50) throw new Error('the walk did not end');
      return records(1, 3);
    }, 3)) batches.push(batch);
    expect(pages).toEqual([1, 2]);
    expect(batches.at(-1)).toMatchObject({ position: null, stuck: expect.stringContaining('page_number=2') });
  });

  it('a dense second without a total paged forward (v1 conversations): ends at the first repeated full page, marked stuck', async () => {
    const calls: Array<[number, number, number]> = [];
    const batches = [];
    const second = window.since.getTime() / 1000;
    const oneSecond = { since: window.since, until: new Date(window.since.getTime() + 1000) };
    for await (const batch of walkSplitting(async (since, until, n) => {
      calls.push([since, until, n]);
      if (calls.length > 50) throw new Error('the walk did not end');
      return { records: records(1, 3), total: null };
    }, 3, oneSecond, null)) batches.push(batch);
    expect(calls).toEqual([[second, second, 1], [second, second, 2]]);
    expect(batches.at(-1)?.stuck).toContain('page_number=2');
  });
});
