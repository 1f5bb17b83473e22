// Local days of a page's zone, for the statistics streams: the coverage plan (coverage.ts) put on
// local midnights, and its intervals cut into windows of whole days. A day is "YYYY-MM-DD" in the
// zone; its length is 23, 24 or 25 hours, which is why nothing here multiplies by 86 400: every
// boundary comes from luxon in the zone.

import { DateTime } from 'luxon';
import { MAX_RANGE_SECONDS } from '../../pancake/defaults.js';
import { inclusiveSeconds } from '../../pancake/window.js';
import type { StreamState } from '../../warehouse/state.js';
import { coverageEnd, planCoverage, type Segment } from './coverage.js';
import type { SyncSettings } from '../stream.js';

/** A local calendar day, YYYY-MM-DD (sorts as a string). */
export type Day = string;

export function localDay(instant: Date, zone: string): Day {
  return DateTime.fromJSDate(instant, { zone }).toISODate() as Day;
}

/**
 * Calendar arithmetic, independent of any zone: on UTC dates, where every day has 24 hours (the
 * planner calls it for every day it steps over, and luxon's parse-and-format cost more than the plan).
 */
export function addDays(day: Day, days: number): Day {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10) as Day;
}

/**
 * The instant a local day begins (its midnight, or the first instant after a skipped midnight).
 * Kept per zone and day like localHour: the planner asks for the same midnights many times.
 */
export function dayStart(day: Day, zone: string): Date {
  const key = `${zone}\u0000${day}`;
  let known = dayStarts.get(key);
  if (known === undefined) {
    known = DateTime.fromISO(day, { zone }).startOf('day').toJSDate().getTime();
    if (dayStarts.size >= LOCAL_HOURS_KEPT) dayStarts.clear();
    dayStarts.set(key, known);
  }
  return new Date(known);
}

const dayStarts = new Map<string, number>();

/**
 * The local day and clock hour of an instant. Statistics name the same hours over and over (one
 * row per user and hour): measured on the CPU benchmark, luxon's zone conversion for each of them
 * was about a tenth of a statistics backfill's CPU, so the answers are kept per zone and instant.
 */
export function localHour(instant: Date, zone: string): { day: Day; hour: number } {
  const key = `${zone}\u0000${instant.getTime()}`;
  let known = localHours.get(key);
  if (known === undefined) {
    const t = DateTime.fromJSDate(instant, { zone });
    known = { day: t.toISODate() as Day, hour: t.hour };
    if (localHours.size >= LOCAL_HOURS_KEPT) localHours.clear();
    localHours.set(key, known);
  }
  return { ...known };
}

/** A year of hours in a few zones: the cache stays small, whatever the history. */
const LOCAL_HOURS_KEPT = 50_000;
const localHours = new Map<string, { day: Day; hour: number }>();

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
  const seconds = inclusiveSeconds({ since: dayStart(firstDay, zone), until: dayStart(addDays(lastDay, 1), zone) });
  if (seconds === null) throw new Error(`no whole second between ${firstDay} and ${lastDay} in ${zone}`);
  return { zone, firstDay, lastDay, days: daysFrom(firstDay, lastDay), since: new Date(seconds.since * 1000), until: new Date(seconds.until * 1000) };
}

/**
 * Splits [fromDay, toDay] into windows of at most `maxDays` whole days, each inside the API's
 * 30 × 86 400 s: thirty days that include a 25-hour day are one hour too long, so such a window
 * gets 29. `up` windows go oldest first, `down` ones newest first.
 */
export function planDayWindows(fromDay: Day, toDay: Day, zone: string, maxDays: number, direction: DaySegment['direction'] = 'up'): DayWindow[] {
  if (!(maxDays >= 1)) throw new Error(`a statistics window needs at least one day, got ${maxDays}`);
  const size = Math.floor(maxDays) - 1;
  const tooLong = (w: DayWindow): boolean => w.until.getTime() - w.since.getTime() > MAX_RANGE_SECONDS * 1000 && w.lastDay > w.firstDay;
  const windows: DayWindow[] = [];
  if (direction === 'up') {
    for (let first = fromDay; first <= toDay; ) {
      let window = dayWindow(first, minDay(addDays(first, size), toDay), zone);
      while (tooLong(window)) window = dayWindow(first, addDays(window.lastDay, -1), zone);
      windows.push(window);
      first = addDays(window.lastDay, 1);
    }
  } else {
    for (let last = toDay; last >= fromDay; ) {
      let window = dayWindow(maxDay(addDays(last, -size), fromDay), last, zone);
      while (tooLong(window)) window = dayWindow(addDays(window.firstDay, 1), last, zone);
      windows.push(window);
      last = addDays(window.firstDay, -1);
    }
  }
  return windows;
}

/** What a statistics stream keeps in sync_state.cursor: the last complete local day stored. */
export interface DayCursor {
  zone: string;
  lastDay: Day;
  /** After a zone change: the oldest day the old zone had stored, still to be read again in this one. */
  rereadFrom?: Day;
}

/** Days to read: an interval of the coverage plan (coverage.ts) cut at local midnights. */
export interface DaySegment {
  fromDay: Day;
  toDay: Day;
  direction: Segment['direction'];
}

export interface DayPlan {
  /** The stored days [firstDay, lastDay] at the start of the run; nulls when none count. */
  firstDay: Day | null;
  lastDay: Day | null;
  segments: DaySegment[];
  /** The stored rows are of another zone: the run's first window removes them (it re-reads their days). */
  zoneChanged: boolean;
  /** The oldest day to read again after a zone change, until the stored days reach it. */
  rereadFrom: Day | null;
}

/**
 * Which days a run reads. Not a planner of its own: the stored days are a coverage (coveredFrom =
 * the first day's midnight, watermark = the midnight after the last day), and the one window
 * planner (planCoverage) is asked what to read with every bound moved to a local midnight: the
 * end to the start of today (the last complete day before min(--until, now − safety lag); today is
 * still changing and is read tomorrow), the start to the midnight of the day --since (else
 * SYNC_START) falls on, the lookback to `statsLookbackDays` whole days before the watermark
 * (Pancake keeps correcting recent days; counted in days, not hours, because a day has 23 to 25).
 * Its intervals then begin and end at midnights and become days. So the statistics streams keep
 * coverage.ts's invariants on whole days: one contiguous run of stored days, grown only over days
 * read, the newer part oldest first, the older part (and a first run) newest first, and a run that
 * stops inside the stored days (--until) reads nothing there.
 * What days add is the zone: days stored in another zone do not count (their midnights differ).
 * They are read again in the new zone, back to the oldest of them (kept in the cursor as rereadFrom
 * until reached), so that no table mixes two zones' days.
 */
export function planDayRange(state: StreamState<DayCursor>, settings: Pick<SyncSettings, 'since' | 'until' | 'syncStart' | 'now' | 'statsLookbackDays' | 'safetyLagMs'>, zone: string): DayPlan {
  const cursor = state.cursor;
  const oldFirstInstant = state.coveredFrom;
  const stored = cursor !== null && cursor.zone === zone && typeof cursor.lastDay === 'string' && oldFirstInstant !== null;
  const zoneChanged = !stored && cursor !== null && oldFirstInstant !== null;
  const firstDay = stored ? localDay(oldFirstInstant, zone) : null;
  const lastDay = stored ? cursor.lastDay : null;
  const rereadFrom = stored
    ? typeof cursor.rereadFrom === 'string' && cursor.rereadFrom < (firstDay as Day) ? cursor.rereadFrom : null
    : zoneChanged ? localDay(oldFirstInstant as Date, zone) : null;
  const startDay = localDay(settings.since ?? settings.syncStart, zone);
  const coverage = firstDay !== null && lastDay !== null ? dayCoverage(firstDay, lastDay, zone) : null;
  const lookbackDays = Math.max(0, Math.floor(settings.statsLookbackDays));
  const plan = planCoverage(
    coverage ?? { coveredFrom: null, watermark: null },
    {
      since: dayStart(rereadFrom !== null ? minDay(startDay, rereadFrom) : startDay, zone),
      syncStart: settings.syncStart,
      // Today's midnight: not later than coverageEnd, so the planner keeps it as the end.
      until: dayStart(localDay(coverageEnd(settings), zone), zone),
      lookbackMs: coverage !== null && lastDay !== null ? coverage.watermark.getTime() - dayStart(addDays(lastDay, 1 - lookbackDays), zone).getTime() : 0,
      safetyLagMs: settings.safetyLagMs,
      now: settings.now,
    },
  );
  const segments = plan.segments.map((s) => ({ fromDay: localDay(s.from, zone), toDay: addDays(localDay(s.to, zone), -1), direction: s.direction }));
  return { firstDay, lastDay, segments, zoneChanged, rereadFrom };
}

/** The instants of whole days [firstDay, lastDay] as a coverage: from the first midnight to the one after the last day. */
export function dayCoverage(firstDay: Day, lastDay: Day, zone: string): { coveredFrom: Date; watermark: Date } {
  return { coveredFrom: dayStart(firstDay, zone), watermark: dayStart(addDays(lastDay, 1), zone) };
}

function minDay(a: Day, b: Day): Day {
  return a < b ? a : b;
}

function maxDay(a: Day, b: Day): Day {
  return a > b ? a : b;
}
