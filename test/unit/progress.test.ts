import { describe, expect, it } from 'vitest';
import { createProgress, etaMs, renderProgress } from '../../src/sync/progress.js';
import { silentLogger } from '../../src/logger.js';

describe('progress display', () => {
  it('shows each page and stream with done/total, records and an ETA from the pace so far', () => {
    const now = 1_000_000;
    const text = renderProgress(
      [
        { pageId: '111', stream: 'conversations', counts: { records: 300, rowsWritten: 300, unitsDone: 5, unitsTotal: 20 }, startedAt: now - 10_000, finishedAt: null, status: 'running' },
        { pageId: '111', stream: 'messages', counts: { records: 9000, rowsWritten: 9000, unitsDone: 400, unitsTotal: 400 }, startedAt: now - 60_000, finishedAt: now, status: 'done' },
      ],
      1234,
      75_000,
      now,
    );
    expect(text).toContain('1234 requests, 1:15 elapsed');
    expect(text).toMatch(/111 {2}conversations +█{5}░{15} +5\/20 +300 records {2}ETA 0:30/);
    expect(text).toMatch(/messages +█{20} +400\/400 +9000 records {2}done/);
  });

  it('redraws in place on a terminal', () => {
    const frames: string[] = [];
    const progress = createProgress({ log: silentLogger, target: { isTTY: true, write: (t) => frames.push(t) > 0 }, requests: () => 7, redrawMs: 1_000_000 });
    progress.track('111', 'conversations', { records: 1, rowsWritten: 1, unitsDone: 1, unitsTotal: 2 });
    progress.stop();
    expect(frames).toHaveLength(1);
    expect(frames[0]).toContain('7 requests');
  });
});

describe('the run ETA', () => {
  const row = (pageId: string, requests: number, requestsTotal: number | null, finished = false) => ({
    pageId,
    stream: 's',
    counts: { records: 0, rowsWritten: 0, unitsDone: 0, requests, ...(requestsTotal !== null && { requestsTotal }) },
    startedAt: 0,
    finishedAt: finished ? 1 : null,
    status: finished ? 'done' : 'running',
  });

  it('is the busiest page’s remaining requests at 90 % of the rate limit, pages running side by side', () => {
    const rows = [row('a', 100, 1000), row('a', 0, 800), row('b', 10, 100), row('c', 0, 5000, true)];
    // Page a: 900 + 800 = 1700 requests at 0.9 × 10/s = 9/s.
    expect(etaMs(rows, { observedPerMs: null, ratePerPage: 10, observedForMs: 0 })).toBeCloseTo((1700 / 9) * 1000);
  });

  it('a slower observed rate wins once half a minute of it is measured, never before', () => {
    const rows = [row('a', 0, 900)];
    const slow = 3 / 1000; // 3 requests per second observed
    expect(etaMs(rows, { observedPerMs: slow, ratePerPage: 10, observedForMs: 10_000 })).toBeCloseTo(100_000);
    expect(etaMs(rows, { observedPerMs: slow, ratePerPage: 10, observedForMs: 30_000 })).toBeCloseTo(300_000);
    expect(etaMs(rows, { observedPerMs: slow, ratePerPage: null, observedForMs: 1000 })).toBeCloseTo(300_000);
  });

  it('is unknown until a stream has an estimate', () => {
    expect(etaMs([row('a', 3, null)], { observedPerMs: 1, ratePerPage: 10, observedForMs: 60_000 })).toBeNull();
  });
});
