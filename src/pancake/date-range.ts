// `date_range` strings (docs/pancake-api.md, "Bases and tokens"): local wall-clock times of the page's
// zone, `DD/MM/YYYY HH:mm:ss - DD/MM/YYYY HH:mm:ss`, or day-only `DD/MM/YYYY - DD/MM/YYYY` for the
// new-customer statistics. The string carries no zone, so the caller's zone decides what it means.

import { DateTime } from 'luxon';
import { PancakeArgumentError } from './errors.js';
import { MAX_RANGE_SECONDS } from './defaults.js';
import { toUnixSeconds, type Instant } from './time.js';

/** A range of instants; `until` is inclusive, like the API's "… 23:59:59". */
export interface DateRange {
  since: Instant;
  until: Instant;
}

export type DateRangeStyle = 'datetime' | 'day';

const FORMATS: Record<DateRangeStyle, string> = { datetime: 'dd/MM/yyyy HH:mm:ss', day: 'dd/MM/yyyy' };

/** Refuses a zone luxon cannot use (IANA names and fixed zones such as "UTC+7" pass). */
export function checkZone(parameter: string, zone: unknown): string {
  if (typeof zone !== 'string' || zone === '' || !DateTime.now().setZone(zone).isValid) {
    throw new PancakeArgumentError(parameter, `"${String(zone)}" is not a time zone (examples: Asia/Ho_Chi_Minh, Europe/Berlin, UTC+7)`);
  }
  return zone;
}

/**
 * Formats `range` as the API's date_range string in `zone`, after refusing what the API would
 * refuse: a missing or reversed range, or one longer than a month. A day-only range covers whole
 * days, so its length is measured from the first day's midnight to the last day's 23:59:59.
 */
export function formatDateRange(parameter: string, range: DateRange | undefined, zone: string, style: DateRangeStyle = 'datetime'): string {
  if (range === undefined || range === null || typeof range !== 'object') {
    throw new PancakeArgumentError(parameter, 'is required: { since, until } as Dates or unix seconds');
  }
  const since = toUnixSeconds(range.since);
  const until = toUnixSeconds(range.until);
  if (!Number.isFinite(since) || !Number.isFinite(until)) throw new PancakeArgumentError(parameter, 'since and until must be Dates or unix seconds');
  if (until < since) throw new PancakeArgumentError(`${parameter}.until`, `must not be before since (since=${since}, until=${until})`);
  let start = DateTime.fromSeconds(since, { zone });
  let end = DateTime.fromSeconds(until, { zone });
  if (style === 'day') {
    start = start.startOf('day');
    end = end.startOf('day').plus({ days: 1 }).minus({ seconds: 1 });
  }
  const span = end.toSeconds() - start.toSeconds();
  if (span > MAX_RANGE_SECONDS) {
    throw new PancakeArgumentError(
      `${parameter}.until`,
      `the range ${start.toFormat(FORMATS.datetime)} - ${end.toFormat(FORMATS.datetime)} (${zone}) is ${(span / 86_400).toFixed(2)} days; the API allows at most 30 days: split it into windows`,
    );
  }
  return `${start.toFormat(FORMATS[style])} - ${end.toFormat(FORMATS[style])}`;
}
