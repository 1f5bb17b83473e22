// The walk every `iterate*` method of the client shares: split a since/until range into windows the
// API accepts (it refuses more than one month), oldest first, and page through each window until a
// short or empty page. One helper, so that every endpoint ends and splits the same way.

import { PancakeArgumentError } from './errors.js';
import { MAX_RANGE_SECONDS, checkRange } from './range.js';
import { toUnixSeconds, type Instant } from './time.js';

/** Whole unix seconds, both ends included, as the API compares them. */
export interface SecondsWindow {
  since: number;
  until: number;
}

/** Iterators use windows a day under the hard limit (docs/pancake-api.md, "Bases and tokens": stay inside the one-month limit). */
export const ITERATOR_WINDOW_SECONDS = MAX_RANGE_SECONDS - 86_400;

/**
 * Windows covering [since, until] (unix seconds, inclusive), oldest first. Adjacent windows do not
 * share a second: the API includes both ends, so sharing one would return its records twice.
 */
export function splitRange(since: Instant, until: Instant, windowSeconds: number = ITERATOR_WINDOW_SECONDS): SecondsWindow[] {
  const { from, to } = orderedEnds(since, until);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > MAX_RANGE_SECONDS) {
    throw new PancakeArgumentError('windowSeconds', `must be a whole number of seconds in 1..${MAX_RANGE_SECONDS}, got ${windowSeconds}`);
  }
  const windows: SecondsWindow[] = [];
  for (let start = from; start <= to; start += windowSeconds + 1) {
    windows.push({ since: start, until: Math.min(start + windowSeconds, to) });
  }
  return windows;
}

/** Pages 1, 2, … of one listing until a page holds fewer than `pageSize` records. Empty pages are not yielded. */
export async function* walkPageNumbers<T>(fetchPage: (pageNumber: number) => Promise<T[]>, pageSize: number): AsyncGenerator<T[]> {
  for (let pageNumber = 1; ; pageNumber++) {
    const records = await fetchPage(pageNumber);
    if (records.length > 0) yield records;
    if (records.length < pageSize) return;
  }
}

/** Every window of [since, until], oldest first, each walked by `walkWindow`. Bad ranges throw at the call. */
export function walkWindows<T>(
  since: Instant,
  until: Instant,
  walkWindow: (window: SecondsWindow) => AsyncIterable<T[]>,
  windowSeconds: number = ITERATOR_WINDOW_SECONDS,
): AsyncGenerator<T[]> {
  const windows = splitRange(since, until, windowSeconds);
  return (async function* () {
    for (const window of windows) yield* walkWindow(window);
  })();
}

/** The usual case: windows of page-numbered listings. */
export function walkWindowedPages<T>(
  since: Instant,
  until: Instant,
  pageSize: number,
  fetchPage: (window: SecondsWindow, pageNumber: number) => Promise<T[]>,
  windowSeconds?: number,
): AsyncGenerator<T[]> {
  return walkWindows(since, until, (window) => walkPageNumbers((n) => fetchPage(window, n), pageSize), windowSeconds);
}

/** Refuses what the API would refuse for a page number, naming the parameter. */
export function checkPageNumber(pageNumber: unknown): number {
  if (typeof pageNumber !== 'number' || !Number.isInteger(pageNumber) || pageNumber < 1) {
    throw new PancakeArgumentError('pageNumber', `must be a whole number ≥ 1, got ${String(pageNumber)}`);
  }
  return pageNumber;
}

/** Both ends of a range an iterator will split: present and in order, any length. */
export function requiredEnds(since: Instant | undefined, until: Instant | undefined): { since: Instant; until: Instant } {
  if (since === undefined || since === null) throw new PancakeArgumentError('since', 'is required (a Date or unix seconds)');
  if (until === undefined || until === null) throw new PancakeArgumentError('until', 'is required (a Date or unix seconds)');
  orderedEnds(since, until);
  return { since, until };
}

function orderedEnds(since: Instant, until: Instant): { from: number; to: number } {
  const from = toUnixSeconds(since);
  const to = toUnixSeconds(until);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new PancakeArgumentError('since/until', 'must be Dates or unix seconds');
  if (to < from) throw new PancakeArgumentError('until', `must not be before since (since=${from}, until=${to})`);
  return { from, to };
}

/** A required since/until pair for one request, checked against the one-month limit. */
export function requiredRange(since: Instant | undefined, until: Instant | undefined): { since: number; until: number } {
  const ends = requiredEnds(since, until);
  return checkRange(ends.since, ends.until);
}

/** An optional since/until pair: checked against the one-month limit when both are given. */
export function optionalRange(since: Instant | undefined, until: Instant | undefined): { since: number | undefined; until: number | undefined } {
  if (since !== undefined && until !== undefined) return checkRange(since, until);
  return { since: since === undefined ? undefined : toUnixSeconds(since), until: until === undefined ? undefined : toUnixSeconds(until) };
}
