import { describe, expect, it } from 'vitest';
import { MAX_RANGE_SECONDS } from '../../src/pancake/defaults.js';
import { addDays, dayStart, dayWindow, localDay, localHour, planDayRange, planDayWindows } from '../../src/sync/engines/days.js';

const BERLIN = 'Europe/Berlin';
const HCM = 'Asia/Ho_Chi_Minh';
const hours = (w: { since: Date; until: Date }) => (w.until.getTime() + 1000 - w.since.getTime()) / 3_600_000;

describe('calendar arithmetic', () => {
  it('steps over month ends, leap days and years, both ways', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -366)).toBe('2025-12-31');
    expect(addDays('2026-03-29', 0)).toBe('2026-03-29');
  });

  it('a day start asked twice is the same instant, and a copy the caller may change', () => {
    const first = dayStart('2026-03-29', BERLIN);
    first.setTime(0);
    expect(dayStart('2026-03-29', BERLIN).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(dayStart('2026-03-29', HCM).toISOString()).toBe('2026-03-28T17:00:00.000Z');
  });
});

describe('local days with DST (Europe/Berlin)', () => {
  it('the spring-forward day has 23 hours and the fall-back day 25', () => {
    expect(hours(dayWindow('2026-03-29', '2026-03-29', BERLIN))).toBe(23);
    expect(hours(dayWindow('2026-10-25', '2026-10-25', BERLIN))).toBe(25);
    expect(hours(dayWindow('2026-10-26', '2026-10-26', BERLIN))).toBe(24);
    expect(dayStart('2026-03-29', BERLIN).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(dayStart('2026-03-30', BERLIN).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(dayStart('2026-10-26', BERLIN).toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('places instants on local days and clock hours, the repeated hour twice', () => {
    expect(localDay(new Date('2026-10-24T22:30:00Z'), BERLIN)).toBe('2026-10-25');
    expect(localDay(new Date('2026-10-24T21:59:59Z'), BERLIN)).toBe('2026-10-24');
    expect(localHour(new Date('2026-10-25T00:00:00Z'), BERLIN)).toEqual({ day: '2026-10-25', hour: 2 });
    expect(localHour(new Date('2026-10-25T01:00:00Z'), BERLIN)).toEqual({ day: '2026-10-25', hour: 2 });
    expect(localHour(new Date('2026-10-25T02:00:00Z'), BERLIN)).toEqual({ day: '2026-10-25', hour: 3 });
  });

  it('windows are whole days inside 30 × 86 400 s: 30 days holding a 25-hour day become 29', () => {
    const windows = planDayWindows('2026-10-01', '2026-12-31', BERLIN, 30);
    expect(windows.map((w) => [w.firstDay, w.lastDay, w.days.length])).toEqual([
      ['2026-10-01', '2026-10-29', 29],
      ['2026-10-30', '2026-11-28', 30],
      ['2026-11-29', '2026-12-28', 30],
      ['2026-12-29', '2026-12-31', 3],
    ]);
    for (const w of windows) {
      expect(w.until.getTime() - w.since.getTime()).toBeLessThanOrEqual(MAX_RANGE_SECONDS * 1000);
      expect(w.since).toEqual(dayStart(w.firstDay, BERLIN));
      expect(w.until.getTime()).toBe(dayStart(addDays(w.lastDay, 1), BERLIN).getTime() - 1000);
    }
    // A 23-hour day makes 30 days shorter, so they fit.
    expect(planDayWindows('2026-03-15', '2026-04-13', BERLIN, 30)).toHaveLength(1);
  });

  it('consecutive windows leave no gap and no overlap, across both changes', () => {
    const windows = planDayWindows('2026-01-01', '2026-12-31', BERLIN, 30);
    for (let i = 1; i < windows.length; i++) {
      expect(windows[i]!.since.getTime()).toBe(windows[i - 1]!.until.getTime() + 1000);
      expect(windows[i]!.firstDay).toBe(addDays(windows[i - 1]!.lastDay, 1));
    }
    expect(windows.reduce((n, w) => n + w.days.length, 0)).toBe(365);
    expect(windows.reduce((n, w) => n + hours(w), 0)).toBe(365 * 24);
  });
});

describe('local days without DST', () => {
  it('Asia/Ho_Chi_Minh and the fixed zone UTC+7 give the same days and windows', () => {
    const a = planDayWindows('2026-01-01', '2026-03-31', HCM, 30);
    const b = planDayWindows('2026-01-01', '2026-03-31', 'UTC+7', 30);
    expect(a.map((w) => [w.firstDay, w.lastDay, w.since.getTime(), w.until.getTime()])).toEqual(b.map((w) => [w.firstDay, w.lastDay, w.since.getTime(), w.until.getTime()]));
    expect(a.map((w) => w.days.length)).toEqual([30, 30, 30]);
    expect(a[0]!.since.toISOString()).toBe('2025-12-31T17:00:00.000Z');
  });

  it('one-day windows for endpoints that sum over their range', () => {
    const windows = planDayWindows('2026-10-24', '2026-10-26', BERLIN, 1);
    expect(windows.map((w) => hours(w))).toEqual([24, 25, 24]);
  });
});

describe('planDayRange: last complete local day, lookback, only the missing days', () => {
  const settings = { since: null, until: null, syncStart: new Date('2026-05-01T12:00:00Z'), now: new Date('2026-06-01T05:00:00Z'), statsLookbackDays: 3, safetyLagMs: 30_000 };
  const fresh = { coveredFrom: null, watermark: null, cursor: null };
  const stored = (firstDay: string, lastDay: string, zone = HCM) => ({ coveredFrom: dayStart(firstDay, zone), watermark: dayStart(addDays(lastDay, 1), zone), cursor: { zone, lastDay } });

  it('a first run reads from SYNC_START to yesterday in the page zone, newest days first', () => {
    expect(planDayRange(fresh, settings, HCM)).toEqual({ firstDay: null, lastDay: null, segments: [{ fromDay: '2026-05-01', toDay: '2026-05-31', direction: 'down' }], zoneChanged: false, rereadFrom: null });
    // 05:00 UTC on June 1st is still May 31st in Honolulu: its last complete day is May 30th.
    expect(planDayRange(fresh, settings, 'Pacific/Honolulu').segments[0]!.toDay).toBe('2026-05-30');
  });

  it('a later run re-reads the lookback days before the stored last day', () => {
    const state = stored('2026-05-01', '2026-05-30');
    expect(planDayRange(state, settings, HCM).segments).toEqual([{ fromDay: '2026-05-28', toDay: '2026-05-31', direction: 'up' }]);
    expect(planDayRange(state, { ...settings, statsLookbackDays: 0 }, HCM).segments[0]!.fromDay).toBe('2026-05-31');
  });

  it('--since before the stored days reads only the days before them (plus the lookback); days stored in another zone are not covered', () => {
    const state = stored('2026-05-01', '2026-05-30');
    expect(planDayRange(state, { ...settings, since: new Date('2026-03-01T00:00:00Z') }, HCM).segments).toEqual([
      { fromDay: '2026-05-28', toDay: '2026-05-31', direction: 'up' },
      { fromDay: '2026-03-01', toDay: '2026-04-30', direction: 'down' },
    ]);
    expect(planDayRange(state, settings, BERLIN).firstDay).toBeNull();
  });

  it('after a zone change every stored day is read again in the new zone, back to the oldest, even if a run stops halfway', () => {
    // March to May stored at Ho Chi Minh time; SYNC_START is May 1st. Berlin's days: from the day
    // holding the old first instant (Feb 28th 17:00 UTC, March 1st at 00:00 in HCM, is Feb 28th in Berlin).
    const plan = planDayRange(stored('2026-03-01', '2026-05-30'), settings, BERLIN);
    expect(plan).toEqual({ firstDay: null, lastDay: null, segments: [{ fromDay: '2026-02-28', toDay: '2026-05-31', direction: 'down' }], zoneChanged: true, rereadFrom: '2026-02-28' });
    // Stopped after reading May in Berlin: the cursor keeps rereadFrom, and the next run (SYNC_START
    // still May 1st) goes on down to it.
    const resumed = planDayRange({ ...stored('2026-05-01', '2026-05-31', BERLIN), cursor: { zone: BERLIN, lastDay: '2026-05-31', rereadFrom: '2026-02-28' } }, settings, BERLIN);
    expect(resumed.zoneChanged).toBe(false);
    expect(resumed.segments).toEqual([
      { fromDay: '2026-05-29', toDay: '2026-05-31', direction: 'up' },
      { fromDay: '2026-02-28', toDay: '2026-04-30', direction: 'down' },
    ]);
    // Reached: nothing older is read than SYNC_START asks for.
    expect(planDayRange({ ...stored('2026-02-28', '2026-05-31', BERLIN), cursor: { zone: BERLIN, lastDay: '2026-05-31', rereadFrom: '2026-02-28' } }, settings, BERLIN).rereadFrom).toBeNull();
  });

  it('regression: a bounded run followed by a plain one reads every day between them (no gap)', () => {
    // `--since 2026-01-01 --until 2026-02-01` stored January; the plain run starts at SYNC_START (May).
    const state = stored('2026-01-01', '2026-01-31');
    const plan = planDayRange(state, settings, HCM);
    expect(plan.segments).toEqual([{ fromDay: '2026-01-29', toDay: '2026-05-31', direction: 'up' }]);
  });

  it('the plan is the coverage plan on local midnights: a run stopping inside the stored days (--until) reads nothing there, as a windowed stream', () => {
    const state = stored('2026-05-01', '2026-05-30');
    // The lookback (May 28th–30th) lies in the stored days; --until May 30th stops before the watermark.
    expect(planDayRange(state, { ...settings, until: dayStart('2026-05-30', HCM) }, HCM).segments).toEqual([]);
    // Reaching the watermark re-reads the lookback, as coverage.ts does.
    expect(planDayRange(state, { ...settings, until: dayStart('2026-05-31', HCM) }, HCM).segments).toEqual([{ fromDay: '2026-05-28', toDay: '2026-05-30', direction: 'up' }]);
    // Below the stored days: the gap up to them, newest first, whatever --until says (the days stay one run).
    expect(planDayRange(state, { ...settings, since: new Date('2026-04-20T00:00:00Z'), until: new Date('2026-04-25T00:00:00Z') }, HCM).segments).toEqual([{ fromDay: '2026-04-20', toDay: '2026-04-30', direction: 'down' }]);
  });

  it('--until ends at the last day completed before it, and never later than now', () => {
    expect(planDayRange(fresh, { ...settings, until: dayStart('2026-05-20', HCM) }, HCM).segments[0]!.toDay).toBe('2026-05-19');
    expect(planDayRange(fresh, { ...settings, until: new Date('2026-05-20T10:00:00Z') }, HCM).segments[0]!.toDay).toBe('2026-05-19');
    expect(planDayRange(fresh, { ...settings, until: new Date('2027-01-01T00:00:00Z') }, HCM).segments[0]!.toDay).toBe('2026-05-31');
  });

  it('down windows go newest first and tile the days exactly', () => {
    const windows = planDayWindows('2026-01-01', '2026-03-15', HCM, 30, 'down');
    expect(windows.map((w) => [w.firstDay, w.lastDay])).toEqual([
      ['2026-02-14', '2026-03-15'],
      ['2026-01-15', '2026-02-13'],
      ['2026-01-01', '2026-01-14'],
    ]);
  });
});
