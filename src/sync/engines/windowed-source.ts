import type { TimeWindow, WalkBatch } from '../../pancake/window.js';
import type { WritePart } from '../../warehouse/write-together.js';
import type { SweptTable } from '../../warehouse/sweep.js';
import type { StreamContext } from '../stream.js';

// What the windowed engine (windowed.ts) and its sweeps (sweep.ts) know of a stream: how it reads
// a window, how a batch is written, and what a sweep may mark deleted.

/** A stream walked by since/until windows: what it reads and how its records become rows. */
export interface WindowedSource<Rec, Position> {
  stream: string;
  read(ctx: StreamContext, window: TimeWindow, from: Position | null): AsyncIterable<WalkBatch<Rec, Position>>;
  /** The writes of a batch, made in the checkpoint's statement (write-together.ts). */
  write(ctx: StreamContext, records: Rec[]): WritePart[];
  /** Present on the list streams a sweep re-lists (sweep.ts). */
  sweep?: SweepTarget<Rec>;
}

/** What a sweep needs to know to mark a stream's records that Pancake no longer lists. */
export interface SweepTarget<Rec> {
  table: SweptTable;
  /** The record's key as the table stores it (its id, or call_id). */
  idOf(record: Rec): string;
  /**
   * True when the time the listing filters on moves when a record changes (updated_at): a record
   * edited during the sweep leaves the window being swept for the present, so the sweep reads the
   * newest records again before it marks anything deleted. False for times that never change
   * (inserted_at, start_time).
   */
  timeMoves: boolean;
}

/**
 * The one warning of a walk the API stopped moving forward (WalkBatch.stuck): what was read is
 * stored, the window is not claimed, and the next run reads it again.
 */
export function reportStuckWalk(ctx: StreamContext, stream: string, window: TimeWindow, cursor: string, what = 'walk'): void {
  const message =
    `${stream} of page ${ctx.page.id}: the ${what} of ${window.since.toISOString()}..${window.until.toISOString()} was ended early: ${cursor}. ` +
    `What it read is stored; this range is not counted as covered and is read again by the next run.`;
  if (ctx.onWarning) ctx.onWarning({ kind: 'stuck_walk', message });
  else ctx.log.warn(message);
}
