// Time ranges as the API takes them, and as everything else in this project holds them.
//
// The API filters on whole unix seconds with BOTH ends included (since ≤ t ≤ until) and refuses a
// range longer than one month. Everything else here holds half-open windows [since, until): they
// tile a range without sharing an instant. The conversion between the two lives in this file only
// (`inclusiveSeconds`, `halfOpen`), so no walk can read an edge twice or lose it.

import { MAX_RANGE_SECONDS } from './defaults.js';
import { PancakeArgumentError, StuckWalkError } from './errors.js';
import { toUnixSeconds, type Instant } from './time.js';

/** Iterators use windows a day under the hard limit (docs/pancake-api.md, "Bases and tokens": stay inside the one-month limit). */
export const ITERATOR_WINDOW_SECONDS = MAX_RANGE_SECONDS - 86_400;

/** A time window, half-open [since, until): the one window type of the project (the API's inclusive seconds are `SecondsWindow`). */
export interface TimeWindow {
  since: Date;
  until: Date;
}

/** Whole unix seconds, both ends included, as the API compares them. */
export interface SecondsWindow {
  since: number;
  until: number;
}

/** A batch a walk read, and where the walk stands after it (null: the window is done). */
export interface WalkBatch<Rec, Position> {
  records: Rec[];
  position: Position | null;
  /**
   * Set on the last batch of a walk the API stopped moving forward (a cursor that does not advance,
   * batches that bring nothing new): the walk ends there WITHOUT having finished its window. Names
   * the cursor, for the warning.
   */
  stuck?: string;
}

/** [since, until) as the API's inclusive seconds; null when it holds no whole second. */
export function inclusiveSeconds(window: TimeWindow): SecondsWindow | null {
  const since = Math.ceil(window.since.getTime() / 1000);
  const until = Math.ceil(window.until.getTime() / 1000) - 1;
  return until < since ? null : { since, until };
}

/** Inclusive seconds [since, until] as the half-open window holding the same seconds. */
export function halfOpen(window: SecondsWindow): TimeWindow {
  return { since: new Date(window.since * 1000), until: new Date((window.until + 1) * 1000) };
}

/** Refuses a range the API would refuse, before it leaves the process. */
export function checkRange(since: Instant, until: Instant): SecondsWindow {
  const { from, to } = orderedEnds(since, until);
  if (to - from > MAX_RANGE_SECONDS) {
    throw new PancakeArgumentError('until', `the range ${from}..${to} is ${((to - from) / 86_400).toFixed(1)} days; the API allows at most 30 days: split it into windows`);
  }
  return { since: from, until: to };
}

/** Both ends of a range an iterator will split: present and in order, any length. */
export function requiredEnds(since: Instant | undefined, until: Instant | undefined): { since: Instant; until: Instant } {
  if (since === undefined || since === null) throw new PancakeArgumentError('since', 'is required (a Date or unix seconds)');
  if (until === undefined || until === null) throw new PancakeArgumentError('until', 'is required (a Date or unix seconds)');
  orderedEnds(since, until);
  return { since, until };
}

/** A required since/until pair for one request, checked against the one-month limit. */
export function requiredRange(since: Instant | undefined, until: Instant | undefined): SecondsWindow {
  const ends = requiredEnds(since, until);
  return checkRange(ends.since, ends.until);
}

/** An optional since/until pair: checked against the one-month limit when both are given. */
export function optionalRange(since: Instant | undefined, until: Instant | undefined): { since: number | undefined; until: number | undefined } {
  if (since !== undefined && until !== undefined) return checkRange(since, until);
  return { since: since === undefined ? undefined : toUnixSeconds(since), until: until === undefined ? undefined : toUnixSeconds(until) };
}

/**
 * Windows covering [since, until] (unix seconds, inclusive), oldest first, each at most
 * `windowSeconds` long. Adjacent windows do not share a second.
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

/**
 * What every library iterator yields: each window of [since, until] (inclusive, as the caller
 * gave it) walked by `walk` over its half-open form, oldest window first, non-empty batches only.
 * Bad ranges throw at the call, not at the first await.
 */
export function iterateWindows<Rec, Position>(
  since: Instant,
  until: Instant,
  walk: (window: TimeWindow) => AsyncIterable<WalkBatch<Rec, Position>>,
  windowSeconds?: number,
): AsyncGenerator<Rec[]> {
  const windows = splitRange(since, until, windowSeconds);
  return (async function* () {
    for (const window of windows) {
      for await (const batch of walk(halfOpen(window))) {
        if (batch.records.length > 0) yield batch.records;
        // A library caller has no warning channel: ending the window quietly would lose records.
        if (batch.stuck !== undefined) throw new StuckWalkError(batch.stuck);
      }
    }
  })();
}

function orderedEnds(since: Instant, until: Instant): { from: number; to: number } {
  const from = toUnixSeconds(since);
  const to = toUnixSeconds(until);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new PancakeArgumentError('since/until', 'must be Dates or unix seconds');
  if (to < from) throw new PancakeArgumentError('until', `must not be before since (since=${from}, until=${to})`);
  return { from, to };
}
