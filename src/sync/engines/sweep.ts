// Sweeps: a windowed list stream re-lists its whole covered range, with the largest windows the API
// accepts, so that what the nightly walks cannot see is set right (README, "Running it for months"):
//
// - records stamped earlier than the moment they appear (a customer whose updated_at is days older
//   than when it became listable lies behind every later run's lookback) are stored;
// - records Pancake no longer lists are marked `deleted_at`, never removed; a record listed again
//   is cleared by its upsert (the tables compare deleted_at with raw).
//
// Nothing is marked deleted on one listing's word: a record edited while the sweep runs leaves the
// window being swept for the present (its updated_at moves), so a window's unlisted records are
// only candidates, kept in the sweep's cursor. Windows are walked newest first (a record whose time
// moves back lands in a window not swept yet), and once they are all swept, streams whose time
// moves read the newest range again, from the swept range's end minus the lookback to a day past
// now: candidates found there are alive. The rest are marked, with the sweep's end, in one statement.
//
// A sweep is checkpointed per window (its cursor in sync_state.sweep_cursor, committed with the
// window's last batch): a killed sweep resumes at the window it was in, and every batch read is
// stored as it comes, like any walk. Messages need nothing of their own: a conversation the sweep
// stores or changes is stale until its messages are walked, which the messages stream, following
// the conversations walk, does in the same run.

import { readSweepState, markDeletedPart, sweepStatePart, unlistedRecords, type SweepState } from '../../warehouse/sweep.js';
import { writeTogether, type WritePart } from '../../warehouse/write-together.js';
import type { TimeWindow } from '../../pancake/window.js';
import { MAX_RANGE_DAYS } from '../../pancake/defaults.js';
import { segmentWindows } from './coverage.js';
import type { StreamContext, SyncSettings } from '../stream.js';
import { reportStuckWalk, type SweepTarget, type WindowedSource } from './windowed-source.js';

const DAY_MS = 86_400_000;

/** Where an unfinished sweep stands (sync_state.sweep_cursor). */
interface SweepCursor {
  /** The range swept: the stream's coverage when the sweep began. */
  from: string;
  to: string;
  /** Windows from this instant to `to` are swept (they are walked newest first). */
  doneFrom: string;
  /** Stored records the swept windows did not list: deleted, unless the newest range lists them. */
  unlisted: string[];
}

/**
 * Whether this run sweeps the stream: one is under way (a killed sweep resumes), `--sweep` asks for
 * one, or the last one ended SYNC_SWEEP_EVERY ago (0: only on demand). A stream never swept is due.
 */
export function sweepDue(state: SweepState<unknown>, settings: Pick<SyncSettings, 'sweep' | 'sweepEveryMs' | 'now'>): boolean {
  if (state.cursor !== null || settings.sweep) return true;
  if (settings.sweepEveryMs <= 0) return false;
  return state.sweptAt === null || settings.now.getTime() - state.sweptAt.getTime() >= settings.sweepEveryMs;
}

/** The stream's sweep state, and the windows its sweep reads now (none when no sweep is due). */
export async function plannedSweep(ctx: StreamContext, stream: string, coverage: { coveredFrom: Date; watermark: Date }): Promise<{ due: boolean; windows: number }> {
  const state = await readSweepState<SweepCursor>(ctx.db, ctx.page.id, stream);
  if (!sweepDue(state, ctx.settings)) return { due: false, windows: 0 };
  const cursor = resumable(state.cursor) ?? freshCursor(coverage);
  return { due: true, windows: sweepWindows(cursor).length };
}

/**
 * Sweeps the stream's covered range when a sweep is due (see the file comment), resuming an
 * unfinished one. Returns false when a walk had to be ended early (the API stopped moving it
 * forward): the sweep then stays where it was, for the next run.
 */
export async function sweepIfDue<Rec, Position>(ctx: StreamContext, source: WindowedSource<Rec, Position>, target: SweepTarget<Rec>, coverage: { coveredFrom: Date; watermark: Date }): Promise<boolean> {
  const { db, page, settings } = ctx;
  const state = await readSweepState<SweepCursor>(db, page.id, source.stream);
  if (!sweepDue(state, settings)) return true;
  const cursor = resumable(state.cursor) ?? freshCursor(coverage);
  const unlisted = new Set(cursor.unlisted);
  const windows = sweepWindows(cursor);
  const to = new Date(cursor.to);
  // Records edited during the sweep are stamped from about its start (after `to`) on.
  const tail = target.timeMoves ? segmentWindows({ from: new Date(to.getTime() - settings.lookbackMs), to: new Date(Math.max(to.getTime(), settings.now.getTime()) + DAY_MS), direction: 'up' }, MAX_RANGE_DAYS) : [];
  ctx.counts.unitsTotal = (ctx.counts.unitsTotal ?? 0) + windows.length + tail.length;
  ctx.counts.requestsTotal = (ctx.counts.requestsTotal ?? 0) + windows.length + tail.length;
  ctx.log.info({ stream: source.stream, from: cursor.from, to: cursor.to, windows: windows.length, resumed: state.cursor !== null }, `sweeping ${source.stream} of page ${page.id}: ${cursor.from}..${cursor.to}`);

  const finish = (): WritePart[] => [...markDeletedPart(target.table, page.id, [...unlisted], settings.now), sweepStatePart(page.id, source.stream, { cursor: null, sweptAt: settings.now })];
  const steps: Array<{ window: TimeWindow; last: (listed: ReadonlySet<string>) => Promise<WritePart[]> }> = [
    ...windows.map((window, i) => ({
      window,
      last: async (listed: ReadonlySet<string>) => {
        for (const id of listed) unlisted.delete(id);
        for (const id of await unlistedRecords(db, target.table, page.id, window, [...listed])) unlisted.add(id);
        if (tail.length === 0 && i === windows.length - 1) return finish();
        return [sweepStatePart(page.id, source.stream, { cursor: { ...cursor, doneFrom: window.since.toISOString(), unlisted: [...unlisted] } })];
      },
    })),
    ...tail.map((window, i) => ({
      window,
      last: async (listed: ReadonlySet<string>) => {
        for (const id of listed) unlisted.delete(id);
        return i === tail.length - 1 ? finish() : [];
      },
    })),
  ];
  if (steps.length === 0) {
    ctx.counts.rowsWritten += await writeTogether(db, finish());
    return true;
  }
  for (const step of steps) {
    if (!(await sweepWindow(ctx, source, target, step.window, step.last))) return false;
    ctx.counts.unitsDone += 1;
  }
  ctx.log.info({ stream: source.stream, unlisted: unlisted.size }, `sweep of ${source.stream} of page ${page.id} done: ${unlisted.size} record(s) Pancake no longer lists marked deleted`);
  return true;
}

/** Walks one window; its last batch commits with what `last` adds. False when the walk got stuck. */
async function sweepWindow<Rec, Position>(
  ctx: StreamContext,
  source: WindowedSource<Rec, Position>,
  target: SweepTarget<Rec>,
  window: TimeWindow,
  last: (listed: ReadonlySet<string>) => Promise<WritePart[]>,
): Promise<boolean> {
  const listed = new Set<string>();
  for await (const batch of source.read(ctx, window, null)) {
    ctx.counts.records += batch.records.length;
    ctx.counts.requests = (ctx.counts.requests ?? 0) + 1;
    for (const record of batch.records) listed.add(target.idOf(record));
    const parts = source.write(ctx, batch.records);
    if (batch.stuck !== undefined) {
      ctx.counts.rowsWritten += await writeTogether(ctx.db, parts);
      reportStuckWalk(ctx, source.stream, window, batch.stuck, 'sweep');
      return false;
    }
    if (batch.position === null) {
      ctx.counts.rowsWritten += await writeTogether(ctx.db, [...parts, ...(await last(listed))]);
      return true;
    }
    ctx.counts.rowsWritten += await writeTogether(ctx.db, parts);
  }
  throw new Error(`${source.stream}: the sweep of window ${window.since.toISOString()}..${window.until.toISOString()} ended without finishing it`);
}

function freshCursor(coverage: { coveredFrom: Date; watermark: Date }): SweepCursor {
  return { from: coverage.coveredFrom.toISOString(), to: coverage.watermark.toISOString(), doneFrom: coverage.watermark.toISOString(), unlisted: [] };
}

/** The windows left, newest first, each as large as the API accepts. */
function sweepWindows(cursor: SweepCursor): TimeWindow[] {
  return segmentWindows({ from: new Date(cursor.from), to: new Date(cursor.doneFrom), direction: 'down' }, MAX_RANGE_DAYS);
}

/** A stored cursor this version can resume; anything else starts the sweep over. */
function resumable(cursor: SweepCursor | null): SweepCursor | null {
  if (cursor === null || typeof cursor !== 'object') return null;
  const instants = [cursor.from, cursor.to, cursor.doneFrom];
  if (!instants.every((v) => typeof v === 'string' && !Number.isNaN(Date.parse(v))) || !Array.isArray(cursor.unlisted)) return null;
  return { ...cursor, unlisted: cursor.unlisted.filter((id): id is string => typeof id === 'string') };
}
