import { describe, expect, it } from 'vitest';
import { walkSplitting, type SplitPosition } from '../../src/pancake/split-walk.js';

// An in-memory listing that orders and pages like the API (newest first, since/until inclusive,
// total over the range), and can be edited between two requests, as a shop does.

interface Rec {
  id: string;
  second: number;
}

const PAGE_SIZE = 10;

function listing(records: Rec[]) {
  const requests: Array<{ since: number; until: number; page: number }> = [];
  return {
    requests,
    fetch: async (since: number, until: number, page: number) => {
      requests.push({ since, until, page });
      const matching = records.filter((r) => r.second >= since && r.second <= until).sort((a, b) => b.second - a.second || (a.id < b.id ? 1 : -1));
      return { records: matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((r) => ({ ...r })), total: matching.length };
    },
  };
}

const window = { since: new Date(0), until: new Date(1000 * 1000) };

async function collect(walk: AsyncIterable<{ records: Rec[]; position: SplitPosition | null }>, stopAfter = Infinity) {
  const seen = new Set<string>();
  const positions: Array<SplitPosition | null> = [];
  for await (const batch of walk) {
    for (const r of batch.records) seen.add(r.id);
    positions.push(batch.position);
    if (positions.length >= stopAfter) break;
  }
  return { seen, positions };
}

function records(count: number, second: (i: number) => number): Rec[] {
  return Array.from({ length: count }, (_, i) => ({ id: `r${String(i).padStart(4, '0')}`, second: second(i) }));
}

describe('walkSplitting', () => {
  it('reads every record of a dense window in single-answer ranges, the last batch closing the window', async () => {
    const data = records(400, (i) => (i * 7919) % 1000);
    const api = listing(data);
    const { seen, positions } = await collect(walkSplitting(api.fetch, PAGE_SIZE, window, null));
    expect(seen.size).toBe(400);
    expect(positions.at(-1)).toBeNull();
    expect(positions.slice(0, -1).every((p) => p !== null)).toBe(true);
    // Positions only move forward: a crash resumes after what was committed.
    const done = positions.filter((p): p is SplitPosition => p !== null).map((p) => Date.parse(p.doneUntil));
    expect(done).toEqual([...done].sort((a, b) => a - b));
    // Only one-page ranges are kept: every range was read with page 1 alone.
    expect(api.requests.every((r) => r.page === 1)).toBe(true);
  });

  it('loses no record that stays put while others are edited out of the window between requests', async () => {
    const data = records(400, (i) => (i * 7919) % 1000);
    const api = listing(data);
    const moved = new Set<string>();
    const fetch = async (since: number, until: number, page: number) => {
      const answer = await api.fetch(since, until, page);
      const first = answer.records[0];
      const record = first && data.find((r) => r.id === first.id);
      if (record) {
        record.second = 5_000; // edited now: past the window's end
        moved.add(record.id);
      }
      return answer;
    };
    const { seen } = await collect(walkSplitting(fetch, PAGE_SIZE, window, null));
    expect(moved.size).toBeGreaterThan(20);
    for (const r of data) if (!moved.has(r.id)) expect(seen.has(r.id), r.id).toBe(true);
  });

  it('pages a second holding more than a page backwards, then page 1 again, and skips nothing while records leave it', async () => {
    const data = [...records(35, () => 500), ...records(5, (i) => 100 + i).map((r) => ({ ...r, id: `s${r.id}` }))];
    const api = listing(data);
    const moved = new Set<string>();
    const fetch = async (since: number, until: number, page: number) => {
      const answer = await api.fetch(since, until, page);
      const first = answer.records[0];
      if (since === 500 && until === 500 && first) {
        data.find((r) => r.id === first.id)!.second = 5_000;
        moved.add(first.id);
      }
      return answer;
    };
    const { seen, positions } = await collect(walkSplitting(fetch, PAGE_SIZE, window, null));
    for (const r of data) if (!moved.has(r.id)) expect(seen.has(r.id), r.id).toBe(true);
    expect(api.requests.filter((r) => r.since === 500 && r.until === 500).map((r) => r.page)).toEqual([1, 4, 3, 2, 1]);
    expect(positions).toContainEqual({ doneUntil: new Date(500_000).toISOString(), floorPage: 1 });
  });

  it('resumes from any committed position (inside a dense second too) and still reads everything', async () => {
    const data = [...records(35, () => 500), ...records(120, (i) => (i * 37) % 1000).map((r) => ({ ...r, id: `s${r.id}` }))];
    const full = await collect(walkSplitting(listing(data).fetch, PAGE_SIZE, window, null));
    for (let stop = 1; stop < full.positions.length; stop++) {
      const from = full.positions[stop - 1] as SplitPosition;
      const head = await collect(walkSplitting(listing(data).fetch, PAGE_SIZE, window, null), stop);
      const tail = await collect(walkSplitting(listing(data).fetch, PAGE_SIZE, window, from));
      expect(new Set([...head.seen, ...tail.seen]).size, `resumed at ${JSON.stringify(from)}`).toBe(data.length);
      expect(tail.positions.at(-1)).toBeNull();
    }
  });

  it('closes an empty window with one empty batch', async () => {
    const api = listing([]);
    const { positions } = await collect(walkSplitting(api.fetch, PAGE_SIZE, window, null));
    expect(positions).toEqual([null]);
    expect(api.requests).toHaveLength(1);
  });
});
