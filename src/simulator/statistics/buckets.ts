// Ranges and buckets of the statistics endpoints. A range is two instants (the end inclusive, at
// second precision, like the API's "23:59:59"); a bucket is the part of it in one local day or one
// hour. date_range strings are local wall-clock times, read in the page's zone.

import { DateTime } from 'luxon';
import { BadParam, MAX_RANGE_SECONDS } from '../http/routes/params.js';
import { HOUR_MS, hourIndex } from './state.js';

export interface Range {
  startMs: number;
  /** Inclusive. */
  endMs: number;
}

export interface Bucket extends Range {
  /** Category label: "26/8" for a day, "26/8 10:00" for an hour (local). */
  label: string;
  /** Local day, YYYY-MM-DD. */
  day: string;
  /** UTC hour indexes whose start lies in the bucket. */
  hours: number[];
}

const DATETIME = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) - (\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const DAY_ONLY = /^(\d{2})\/(\d{2})\/(\d{4}) - (\d{2})\/(\d{2})\/(\d{4})$/;

/** Reads a date_range as the API does: exact format, real calendar dates, at most one month. */
export function parseDateRange(raw: string | null, zone: string, style: 'datetime' | 'day'): Range {
  if (raw === null || raw === '') throw new BadParam('date_range is required');
  const expected = style === 'day' ? 'DD/MM/YYYY - DD/MM/YYYY' : 'DD/MM/YYYY HH:mm:ss - DD/MM/YYYY HH:mm:ss';
  const m = (style === 'day' ? DAY_ONLY : DATETIME).exec(raw);
  if (!m) throw new BadParam(`date_range must look like ${expected}, got ${JSON.stringify(raw)}`);
  const n = m.slice(1).map(Number);
  const at = (d: number, mo: number, y: number, h = 0, mi = 0, s = 0): DateTime => {
    const t = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi, second: s }, { zone });
    if (!t.isValid || t.day !== d || t.month !== mo) throw new BadParam(`date_range holds an impossible date: ${JSON.stringify(raw)}`);
    return t;
  };
  let start: DateTime;
  let end: DateTime;
  if (style === 'day') {
    start = at(n[0]!, n[1]!, n[2]!);
    end = at(n[3]!, n[4]!, n[5]!).plus({ days: 1 }).minus({ seconds: 1 });
  } else {
    start = at(n[0]!, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!);
    end = at(n[6]!, n[7]!, n[8]!, n[9]!, n[10]!, n[11]!);
  }
  return checkSpan({ startMs: start.toMillis(), endMs: end.toMillis() });
}

/** since/until in unix seconds (already checked by rangeParams), the end inclusive. */
export function secondsRange(since: number, until: number): Range {
  return checkSpan({ startMs: since * 1000, endMs: until * 1000 });
}

function checkSpan(range: Range): Range {
  if (range.endMs < range.startMs) throw new BadParam('date_range must not end before it starts');
  if (range.endMs - range.startMs > MAX_RANGE_SECONDS * 1000) throw new BadParam('Time range must be less than or equal to one month');
  return range;
}

/** Hours whose start lies in the range, oldest first. */
export function hoursOf(range: Range): number[] {
  const hours: number[] = [];
  for (let h = Math.ceil(range.startMs / HOUR_MS); h * HOUR_MS <= range.endMs; h++) hours.push(h);
  return hours;
}

/** One bucket per local day the range touches, clipped to the range. */
export function dayBuckets(range: Range, zone: string): Bucket[] {
  const buckets: Bucket[] = [];
  let day = DateTime.fromMillis(range.startMs, { zone }).startOf('day');
  while (day.toMillis() <= range.endMs) {
    const next = day.plus({ days: 1 });
    const part = { startMs: Math.max(day.toMillis(), range.startMs), endMs: Math.min(next.toMillis() - 1000, range.endMs) };
    buckets.push({ ...part, label: `${day.day}/${day.month}`, day: day.toISODate() as string, hours: hoursOf(part) });
    day = next;
  }
  return buckets;
}

/** One bucket per hour of the range (25 on a day the clocks go back, 23 when they go forward). */
export function hourBuckets(range: Range, zone: string): Bucket[] {
  return hoursOf(range).map((h) => {
    const t = DateTime.fromMillis(h * HOUR_MS, { zone });
    return { startMs: h * HOUR_MS, endMs: h * HOUR_MS + HOUR_MS - 1000, label: `${t.day}/${t.month} ${t.toFormat('HH')}:00`, day: t.toISODate() as string, hours: [h] };
  });
}

/** The API's hour fields: the hour's start as a zone-less UTC timestamp, like every API time. */
export function hourStamp(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString().slice(0, 19);
}

export { hourIndex };
