// Local days of a page's zone, and the windows of whole days the statistics streams read. A day is
// "YYYY-MM-DD" in the zone; its length is 23, 24 or 25 hours, which is why nothing here multiplies
// by 86 400: every boundary comes from luxon in the zone.

import { DateTime } from 'luxon';
import { MAX_RANGE_SECONDS } from '../../../pancake/range.js';
import type { StreamState } from '../../../warehouse/state.js';
import type { SyncSettings } from '../../stream.js';

/** A local calendar day, YYYY-MM-DD (sorts as a string). */
export type Day = string;

export function localDay(instant: Date, zone: string): Day {
  return DateTime.fromJSDate(instant, { zone }).toISODate() as Day;
}

/** Calendar arithmetic, independent of any zone. */
export function addDays(day: Day, days: number): Day {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate() as Day;
}

/** The instant a local day begins (its midnight, or the first instant after a skipped midnight). */
export function dayStart(day: Day, zone: string): Date {
  return DateTime.fromISO(day, { zone }).startOf('day').toJSDate();
}

/** The local day and clock hour of an instant. */
export function localHour(instant: Date, zone: string): { day: Day; hour: number } {
  const t = DateTime.fromJSDate(instant, { zone });
  return { day: t.toISODate() as Day, hour: t.hour };
}

export function daysFrom(first: Day, last: Day): Day[] {
  const days: Day[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Whole local days read with one request: since = first midnight, until = the last day's last second. */
export interface DayWindow {
  zone: string;
  firstDay: Day;
  lastDay: Day;
  days: Day[];
  since: Date;
  /** Inclusive, like the API's "… 23:59:59": the next midnight minus one second. */
  until: Date;
}

export function dayWindow(firstDay: Day, lastDay: Day, zone: string): DayWindow {
  return {
    zone,
    firstDay,
    lastDay,
    days: daysFrom(firstDay, lastDay),
    since: dayStart(firstDay, zone),
    until: new Date(dayStart(addDays(lastDay, 1), zone).getTime() - 1000),
  };
}

/**
 * Splits [fromDay, toDay] into windows of at most `maxDays` whole days, oldest first, each inside
 * the API's 30 × 86 400 s: thirty days that include a 25-hour day are one hour too long, so such a
 * window gets 29.
 */
export function planDayWindows(fromDay: Day, toDay: Day, zone: string, maxDays: number): DayWindow[] {
  if (!(maxDays >= 1)) throw new Error(`a statistics window needs at least one day, got ${maxDays}`);
  const windows: DayWindow[] = [];
  for (let first = fromDay; first <= toDay; ) {
    let last = addDays(first, Math.floor(maxDays) - 1);
    if (last > toDay) last = toDay;
    let window = dayWindow(first, last, zone);
    while (window.until.getTime() - window.since.getTime() > MAX_RANGE_SECONDS * 1000 && last > first) {
      last = addDays(last, -1);
      window = dayWindow(first, last, zone);
    }
    windows.push(window);
    first = addDays(last, 1);
  }
  return windows;
}

/** What a statistics stream keeps in sync_state.cursor: the last complete local day stored. */
export interface DayCursor {
  zone: string;
  lastDay: Day;
}

export interface DayRange {
  fromDay: Day;
  toDay: Day;
  /** True when continuing stored coverage (re-reading the lookback days); false for a fresh walk. */
  resumes: boolean;
}

/**
 * Which days a run reads. The newest is the last complete local day before `--until` (default now):
 * today is still changing and is read tomorrow. A stream whose stored days reach back to the
 * requested start resumes `statsLookbackDays` before its last stored day, because Pancake keeps
 * correcting recent days; otherwise it walks from `--since`, else SYNC_START. Days stored in another
 * zone do not count as covered: their boundaries differ.
 */
export function planDayRange(state: StreamState<DayCursor>, settings: Pick<SyncSettings, 'since' | 'until' | 'syncStart' | 'now' | 'statsLookbackDays'>, zone: string): DayRange {
  const startDay = localDay(settings.since ?? settings.syncStart, zone);
  const toDay = addDays(localDay(settings.until ?? settings.now, zone), -1);
  const cursor = state.cursor;
  const covered = cursor !== null && cursor.zone === zone && typeof cursor.lastDay === 'string' && state.coveredFrom !== null && state.coveredFrom.getTime() <= dayStart(startDay, zone).getTime();
  if (covered) {
    const lookback = Math.max(0, Math.floor(settings.statsLookbackDays));
    const resumeDay = addDays(cursor.lastDay, 1 - lookback);
    return { fromDay: resumeDay > startDay ? resumeDay : startDay, toDay, resumes: true };
  }
  return { fromDay: startDay, toDay, resumes: false };
}
