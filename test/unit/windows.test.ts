import { describe, expect, it } from 'vitest';
import { planRange, planWindows } from '../../src/sync/windows.js';

const DAY = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00Z');

describe('planWindows', () => {
  it('splits a range into consecutive half-open windows of the configured size, oldest first', () => {
    const windows = planWindows(t0, new Date(t0.getTime() + 20 * DAY), 7);
    expect(windows.map((w) => [w.since.toISOString(), w.until.toISOString()])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-01-08T00:00:00.000Z'],
      ['2026-01-08T00:00:00.000Z', '2026-01-15T00:00:00.000Z'],
      ['2026-01-15T00:00:00.000Z', '2026-01-21T00:00:00.000Z'],
    ]);
  });

  it('never makes a window of 30 days or more, whatever size is asked', () => {
    const windows = planWindows(t0, new Date(t0.getTime() + 365 * DAY), 45);
    expect(windows.length).toBeGreaterThan(12);
    for (const w of windows) expect(w.until.getTime() - w.since.getTime()).toBeLessThan(30 * DAY);
    expect(windows[0]!.since).toEqual(t0);
    expect(windows.at(-1)!.until).toEqual(new Date(t0.getTime() + 365 * DAY));
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.since).toEqual(windows[i - 1]!.until);
  });

  it('works in whole seconds and returns nothing for an empty range', () => {
    expect(planWindows(new Date(t0.getTime() + 500), new Date(t0.getTime() + 900), 7)).toEqual([]);
    const [w] = planWindows(new Date(t0.getTime() + 1500), new Date(t0.getTime() + 5 * DAY + 700), 7);
    expect(w!.since.getTime() % 1000).toBe(0);
    expect(w!.until.getTime() % 1000).toBe(0);
  });
});

describe('planRange', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const base = { syncStart: new Date('2026-05-02T12:00:00Z'), lookbackMs: 2 * 3_600_000, safetyLagMs: 30_000, now };

  it('a first run starts at SYNC_START and ends the safety lag before now', () => {
    expect(planRange({ coveredFrom: null, watermark: null }, base)).toEqual({ from: base.syncStart, to: new Date(now.getTime() - 30_000), resumes: false });
  });

  it('an incremental run resumes the lookback before the watermark', () => {
    const watermark = new Date('2026-05-31T00:00:00Z');
    const range = planRange({ coveredFrom: base.syncStart, watermark }, base);
    expect(range).toMatchObject({ from: new Date(watermark.getTime() - 2 * 3_600_000), resumes: true });
  });

  it('--since older than the covered range starts a fresh walk there; within it, resumes', () => {
    const covered = { coveredFrom: new Date('2026-05-01T00:00:00Z'), watermark: new Date('2026-05-31T00:00:00Z') };
    expect(planRange(covered, { ...base, since: new Date('2026-03-01T00:00:00Z') })).toMatchObject({ from: new Date('2026-03-01T00:00:00Z'), resumes: false });
    expect(planRange(covered, { ...base, since: new Date('2026-05-10T00:00:00Z') })).toMatchObject({ from: new Date('2026-05-30T22:00:00Z'), resumes: true });
  });

  it('--until caps the range', () => {
    const until = new Date('2026-05-20T00:00:00Z');
    expect(planRange({ coveredFrom: null, watermark: null }, { ...base, until }).to).toEqual(until);
  });
});
