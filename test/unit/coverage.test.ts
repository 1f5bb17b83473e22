import { describe, expect, it } from 'vitest';
import { coverageEnd, extendCoverage, planCoverage, planWindows, segmentWindows } from '../../src/sync/engines/coverage.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (iso: string) => new Date(iso);

describe('windows', () => {
  it('an up segment is split into consecutive half-open windows, oldest first', () => {
    const windows = planWindows(t0, new Date(t0.getTime() + 20 * DAY), 7);
    expect(windows.map((w) => [w.since.toISOString(), w.until.toISOString()])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-01-08T00:00:00.000Z'],
      ['2026-01-08T00:00:00.000Z', '2026-01-15T00:00:00.000Z'],
      ['2026-01-15T00:00:00.000Z', '2026-01-21T00:00:00.000Z'],
    ]);
  });

  it('a down segment is split newest first, the short window last', () => {
    const windows = segmentWindows({ from: t0, to: new Date(t0.getTime() + 20 * DAY), direction: 'down' }, 7);
    expect(windows.map((w) => [w.since.toISOString(), w.until.toISOString()])).toEqual([
      ['2026-01-14T00:00:00.000Z', '2026-01-21T00:00:00.000Z'],
      ['2026-01-07T00:00:00.000Z', '2026-01-14T00:00:00.000Z'],
      ['2026-01-01T00:00:00.000Z', '2026-01-07T00:00:00.000Z'],
    ]);
  });

  it('never makes a window of 30 days or more, whatever size is asked, and tiles the range', () => {
    for (const direction of ['up', 'down'] as const) {
      const windows = segmentWindows({ from: t0, to: new Date(t0.getTime() + 365 * DAY), direction }, 45);
      expect(windows.length).toBeGreaterThan(12);
      for (const w of windows) expect(w.until.getTime() - w.since.getTime()).toBeLessThan(30 * DAY);
      const sorted = [...windows].sort((a, b) => a.since.getTime() - b.since.getTime());
      expect(sorted[0]!.since).toEqual(t0);
      expect(sorted.at(-1)!.until).toEqual(new Date(t0.getTime() + 365 * DAY));
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.since).toEqual(sorted[i - 1]!.until);
    }
  });

  it('works in whole seconds and returns nothing for an empty range', () => {
    expect(planWindows(new Date(t0.getTime() + 500), new Date(t0.getTime() + 900), 7)).toEqual([]);
    const [w] = planWindows(new Date(t0.getTime() + 1500), new Date(t0.getTime() + 5 * DAY + 700), 7);
    expect(w!.since.getTime() % 1000).toBe(0);
    expect(w!.until.getTime() % 1000).toBe(0);
  });
});

describe('planCoverage', () => {
  const now = at('2026-06-01T12:00:00Z');
  const base = { syncStart: at('2026-05-02T12:00:00Z'), lookbackMs: 2 * HOUR, safetyLagMs: 30_000, now };
  const end = new Date(now.getTime() - 30_000);

  it('a first run walks SYNC_START up to now minus the safety lag, newest window first', () => {
    expect(planCoverage({ coveredFrom: null, watermark: null }, base)).toEqual({ coveredFrom: end, watermark: end, end, segments: [{ from: base.syncStart, to: end, direction: 'down' }] });
  });

  it('an incremental run walks from the lookback before the watermark, and nothing older', () => {
    const watermark = at('2026-05-31T00:00:00Z');
    expect(planCoverage({ coveredFrom: base.syncStart, watermark }, base).segments).toEqual([{ from: new Date(watermark.getTime() - 2 * HOUR), to: end, direction: 'up' }]);
  });

  it('--since older than the coverage walks only [since, coveredFrom), after the incremental part', () => {
    const covered = { coveredFrom: at('2026-05-01T00:00:00Z'), watermark: at('2026-05-31T00:00:00Z') };
    expect(planCoverage(covered, { ...base, since: at('2026-03-01T00:00:00Z') }).segments).toEqual([
      { from: at('2026-05-30T22:00:00Z'), to: end, direction: 'up' },
      { from: at('2026-03-01T00:00:00Z'), to: at('2026-05-01T00:00:00Z'), direction: 'down' },
    ]);
    expect(planCoverage(covered, { ...base, since: at('2026-05-10T00:00:00Z') }).segments).toEqual([{ from: at('2026-05-30T22:00:00Z'), to: end, direction: 'up' }]);
  });

  it('regression: --since D1 --until D2, then a plain run, reads everything between D2 and now', () => {
    // Before: the plain run started at max(SYNC_START, watermark − lookback) and jumped over D2..SYNC_START.
    const covered = { coveredFrom: at('2026-01-01T00:00:00Z'), watermark: at('2026-02-01T00:00:00Z') };
    const plan = planCoverage(covered, base);
    expect(plan.segments).toEqual([{ from: at('2026-01-31T22:00:00Z'), to: end, direction: 'up' }]);
  });

  it('a bounded request below the coverage reads the gap up to it; one inside it reads nothing', () => {
    const covered = { coveredFrom: at('2026-05-01T00:00:00Z'), watermark: at('2026-05-20T00:00:00Z') };
    const below = planCoverage(covered, { ...base, since: at('2026-03-01T00:00:00Z'), until: at('2026-03-10T00:00:00Z') });
    expect(below.segments).toEqual([{ from: at('2026-03-01T00:00:00Z'), to: at('2026-05-01T00:00:00Z'), direction: 'down' }]);
    expect(planCoverage(covered, { ...base, since: at('2026-05-05T00:00:00Z'), until: at('2026-05-10T00:00:00Z') }).segments).toEqual([]);
  });

  it('--until in the future is capped at now minus the safety lag', () => {
    expect(coverageEnd({ until: at('2027-01-01T00:00:00Z'), safetyLagMs: 30_000, now })).toEqual(end);
    expect(planCoverage({ coveredFrom: null, watermark: null }, { ...base, until: at('2027-01-01T00:00:00Z') }).end).toEqual(end);
    const until = at('2026-05-20T00:00:00Z');
    expect(planCoverage({ coveredFrom: null, watermark: null }, { ...base, until }).end).toEqual(until);
  });

  it('an interrupted fresh walk is anchored where its open window ends: the newer part first, then on down', () => {
    const anchor = at('2026-05-25T00:00:00Z');
    expect(planCoverage({ coveredFrom: null, watermark: null }, base, anchor).segments).toEqual([
      { from: anchor, to: end, direction: 'up' },
      { from: base.syncStart, to: anchor, direction: 'down' },
    ]);
  });
});

describe('extendCoverage', () => {
  it('grows at the edge the window touches and never shrinks', () => {
    const c = { coveredFrom: at('2026-05-10T00:00:00Z'), watermark: at('2026-05-20T00:00:00Z') };
    expect(extendCoverage(c, { since: at('2026-05-03T00:00:00Z'), until: at('2026-05-10T00:00:00Z') }, 'down')).toEqual({ ...c, coveredFrom: at('2026-05-03T00:00:00Z') });
    expect(extendCoverage(c, { since: at('2026-05-19T00:00:00Z'), until: at('2026-05-26T00:00:00Z') }, 'up')).toEqual({ ...c, watermark: at('2026-05-26T00:00:00Z') });
    expect(extendCoverage(c, { since: at('2026-05-12T00:00:00Z'), until: at('2026-05-15T00:00:00Z') }, 'up')).toEqual(c);
  });
});
