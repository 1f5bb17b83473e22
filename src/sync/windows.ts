// Time windows for since/until reads. Windows are half-open [since, until), walked oldest first, and
// always shorter than the API's one-month limit (MAX_RANGE_SECONDS), so a window never has to be
// refused by the API to be noticed.

import { MAX_RANGE_SECONDS } from '../pancake/client.js';

export interface TimeWindow {
  since: Date;
  until: Date;
}

const DAY_MS = 86_400_000;

/** Splits [from, to) into consecutive windows of at most `sizeDays` (and always < 30 days). */
export function planWindows(from: Date, to: Date, sizeDays: number): TimeWindow[] {
  const sizeMs = Math.min(sizeDays * DAY_MS, MAX_RANGE_SECONDS * 1000 - 1000);
  if (!(sizeMs > 0)) throw new Error(`window size must be positive, got ${sizeDays} days`);
  const windows: TimeWindow[] = [];
  // Whole seconds: the API takes unix seconds, and a fractional edge would be read twice or lost.
  let since = Math.floor(from.getTime() / 1000) * 1000;
  const end = Math.floor(to.getTime() / 1000) * 1000;
  while (since < end) {
    const until = Math.min(since + sizeMs, end);
    windows.push({ since: new Date(since), until: new Date(until) });
    since = until;
  }
  return windows;
}

/** What a windowed stream has covered so far: [coveredFrom, watermark). */
export interface Coverage {
  coveredFrom: Date | null;
  watermark: Date | null;
}

export interface RangeRequest {
  /** `--since`: where this run should start at the latest. */
  since?: Date | null;
  /** `--until`: where it stops (default: now minus the safety lag). */
  until?: Date | null;
  /** SYNC_START: where a first run starts. */
  syncStart: Date;
  lookbackMs: number;
  safetyLagMs: number;
  now: Date;
}

export interface PlannedRange {
  from: Date;
  to: Date;
  /** True when the walk continues an existing coverage (incremental); false for a fresh walk. */
  resumes: boolean;
}

/**
 * Decides where a windowed stream starts. A stream whose coverage already reaches back to the
 * requested start resumes `lookback` before its watermark (catching records updated while the last
 * run read). A request for older history than covered starts a fresh walk at that start; the
 * coverage then restarts there, so a crash in the middle of that backfill resumes it too.
 */
export function planRange(coverage: Coverage, request: RangeRequest): PlannedRange {
  const start = request.since ?? request.syncStart;
  const to = request.until ?? new Date(request.now.getTime() - request.safetyLagMs);
  const covered = coverage.coveredFrom !== null && coverage.watermark !== null && coverage.coveredFrom.getTime() <= start.getTime();
  if (covered && coverage.watermark) {
    const resumeAt = new Date(Math.max(start.getTime(), coverage.watermark.getTime() - request.lookbackMs));
    return { from: resumeAt, to, resumes: true };
  }
  return { from: start, to, resumes: false };
}
