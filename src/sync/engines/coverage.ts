// What a windowed stream has read, and what a run reads next. A stream's coverage is one
// contiguous half-open range [coveredFrom, watermark): every record whose time lies in it was read
// and committed. The invariants every plan keeps:
//
// 1. Coverage only grows, and only over what a run read: a window extends it when its last batch
//    commits (in the same transaction), and only at an edge it touches, so it stays one range.
// 2. A run first reads the uncovered parts between what is covered and what it was asked for: the
//    newer part [watermark − lookback, end) oldest first (the watermark climbs window by window),
//    then the older part [start, coveredFrom) newest first (coveredFrom descends). Nothing covered
//    is walked again except the lookback, which catches records edited while the last run read.
// 3. Nothing is claimed past `end` = min(--until, now − safety lag): a later run's records can still
//    arrive up to the lag, and a future --until must not promise what no one has read.
//
// Why the older part goes newest first: a backfill then completes the recent days (the ones a shop
// asks about) first, and a killed backfill resumes below what it already has. Why the newer part
// goes oldest first: it has to join the stored coverage without a hole, and it is usually one window.

import { MAX_RANGE_SECONDS } from '../../pancake/defaults.js';
import type { TimeWindow } from '../../pancake/window.js';

/** What a windowed stream has covered so far: [coveredFrom, watermark); nulls when nothing yet. */
export interface Coverage {
  coveredFrom: Date | null;
  watermark: Date | null;
}

export interface RangeRequest {
  /** `--since`: where this run should start at the latest. */
  since?: Date | null;
  /** `--until`: where it stops (capped at now minus the safety lag). */
  until?: Date | null;
  /** SYNC_START: where a run without --since starts. */
  syncStart: Date;
  lookbackMs: number;
  safetyLagMs: number;
  now: Date;
}

/** A part of the range to read; `down` parts are walked newest window first. */
export interface Segment {
  from: Date;
  to: Date;
  direction: 'up' | 'down';
}

export interface CoveragePlan {
  /** Coverage at the start of the run; equal ends (an empty range) mark where a fresh walk begins. */
  coveredFrom: Date;
  watermark: Date;
  /** In walking order: the newer part first, then the older one. */
  segments: Segment[];
  /** The newest instant this run may claim. */
  end: Date;
}

const DAY_MS = 86_400_000;

/** min(--until, now − safety lag), whole seconds: the newest instant any run may call covered. */
export function coverageEnd(request: Pick<RangeRequest, 'until' | 'safetyLagMs' | 'now'>): Date {
  const cap = request.now.getTime() - request.safetyLagMs;
  const until = request.until ? Math.min(request.until.getTime(), cap) : cap;
  return new Date(floorSecond(until));
}

/**
 * Plans a run from the stored coverage. `anchor` places an empty coverage: where an interrupted
 * fresh walk had started, so that its open window can be resumed; by default `end`.
 */
export function planCoverage(coverage: Coverage, request: RangeRequest, anchor: Date | null = null): CoveragePlan {
  const end = coverageEnd(request);
  const start = new Date(floorSecond((request.since ?? request.syncStart).getTime()));
  const stored = coverage.coveredFrom !== null && coverage.watermark !== null && coverage.coveredFrom <= coverage.watermark;
  const empty = anchor !== null && anchor < end ? anchor : end;
  const coveredFrom = stored ? (coverage.coveredFrom as Date) : empty;
  const watermark = stored ? (coverage.watermark as Date) : empty;
  const segments: Segment[] = [];
  // A run that reaches the watermark re-reads the lookback even when nothing new can exist yet
  // (two runs in one second): records can reach the API with a time slightly in the past.
  if (stored ? end >= watermark : end > watermark) {
    const from = stored ? new Date(Math.max(coveredFrom.getTime(), watermark.getTime() - request.lookbackMs)) : empty;
    if (end > from) segments.push({ from, to: end, direction: 'up' });
  }
  if (start < coveredFrom) segments.push({ from: start, to: coveredFrom, direction: 'down' });
  return { coveredFrom, watermark, segments, end };
}

/** The windows of a segment in walking order, each at most `sizeDays` and a second under the API's one-month limit (`MAX_RANGE_DAYS` asks for the largest: a sweep's, read with as few requests as possible). */
export function segmentWindows(segment: Segment, sizeDays: number): TimeWindow[] {
  const sizeMs = windowSizeMs(sizeDays);
  const from = floorSecond(segment.from.getTime());
  const to = floorSecond(segment.to.getTime());
  const windows: TimeWindow[] = [];
  if (segment.direction === 'up') {
    for (let since = from; since < to; since = Math.min(since + sizeMs, to)) windows.push({ since: new Date(since), until: new Date(Math.min(since + sizeMs, to)) });
  } else {
    for (let until = to; until > from; until = Math.max(until - sizeMs, from)) windows.push({ since: new Date(Math.max(until - sizeMs, from)), until: new Date(until) });
  }
  return windows;
}

/** Splits [from, to) into consecutive windows, oldest first (an `up` segment's windows). */
export function planWindows(from: Date, to: Date, sizeDays: number): TimeWindow[] {
  return segmentWindows({ from, to, direction: 'up' }, sizeDays);
}

/** The coverage after `window` finished in a segment of `direction`: extended at the edge it touches. */
export function extendCoverage(coverage: { coveredFrom: Date; watermark: Date }, window: TimeWindow, direction: Segment['direction']): { coveredFrom: Date; watermark: Date } {
  if (direction === 'up') return { coveredFrom: coverage.coveredFrom, watermark: window.until > coverage.watermark ? window.until : coverage.watermark };
  return { coveredFrom: window.since < coverage.coveredFrom ? window.since : coverage.coveredFrom, watermark: coverage.watermark };
}

function windowSizeMs(sizeDays: number): number {
  // Whole seconds under the API's one-month limit: a window never has to be refused to be noticed.
  const sizeMs = Math.min(Math.floor(sizeDays * DAY_MS / 1000) * 1000, MAX_RANGE_SECONDS * 1000 - 1000);
  if (!(sizeMs > 0)) throw new Error(`window size must be positive, got ${sizeDays} days`);
  return sizeMs;
}

// Whole seconds: the API takes unix seconds, and a fractional edge would be read twice or lost.
function floorSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
