import { readStreamState, streamStatePart, type StreamState } from '../../warehouse/state.js';
import { writeTogether } from '../../warehouse/write-together.js';
import { rowsNotInPart, rowsOutsidePart } from '../../warehouse/stats-replace.js';
import { upsertParts, type TableSpec } from '../../warehouse/upsert.js';
import type { Stream, StreamContext, StreamPlan } from '../stream.js';
import { extendCoverage } from './coverage.js';
import { type DayCursor, type DayPlan, type DaySegment, type DayWindow, addDays, dayCoverage, localDay, planDayRange, planDayWindows } from './days.js';

// The engine of every statistics stream: whole local days, re-read with a lookback. A stream
// declares its table, how many days one request may cover and how to turn one window's answers
// into rows; this file asks the window planner which days to read (coverage.ts, on local midnights:
// days.ts), walks them in windows of whole days (newest first when backfilling) and commits each
// window's rows together with the coverage and cursor in one statement, so a killed run resumes at
// the first uncommitted window.

/** Every statistics row carries its page and local day; the rest is the stream's. */
export interface StatsRow {
  page_id: string;
  day: string;
  raw: unknown;
}

export interface DailySource<Row extends StatsRow> {
  stream: string;
  description: string;
  /** Why the stream is left out of a default run (see Stream.optIn). */
  optIn?: string;
  table: TableSpec<Row>;
  /** Days one request covers: 30 for range endpoints (fewer when DST makes 30 days too long), 1 where the API sums over its range. */
  maxDays: number;
  /** Requests one window costs, for --dry-run. */
  requestsPerWindow: number;
  /** Reads one window and maps it to rows (every row's day inside the window). */
  fetch(ctx: StreamContext, window: DayWindow): Promise<Row[]>;
}

/** Builds the Stream the runner sees from a declaration. */
export function dailyStream<Row extends StatsRow>(source: DailySource<Row>): Stream {
  return {
    name: source.stream,
    description: source.description,
    table: source.table.table,
    ...(source.optIn !== undefined && { optIn: source.optIn }),
    run: (ctx) => runDaily(ctx, source),
    plan: (ctx) => planDaily(ctx, source),
  };
}

interface PlannedDays {
  plan: DayPlan;
  windows: Array<DayWindow & { direction: DaySegment['direction'] }>;
}

async function plannedWindows(ctx: StreamContext, source: DailySource<StatsRow>): Promise<PlannedDays> {
  const zone = ctx.page.timezone;
  const state = await readStreamState<DayCursor>(ctx.db, ctx.page.id, source.stream);
  const plan = planDayRange(state, ctx.settings, zone);
  const windows = plan.segments.flatMap((s) => planDayWindows(s.fromDay, s.toDay, zone, source.maxDays, s.direction).map((w) => ({ ...w, direction: s.direction })));
  return { plan, windows };
}

export async function runDaily<Row extends StatsRow>(ctx: StreamContext, source: DailySource<Row>): Promise<void> {
  const { db, page } = ctx;
  const { plan, windows } = await plannedWindows(ctx, source as unknown as DailySource<StatsRow>);
  const zone = page.timezone;
  // The stored days only grow, at the edge a window touches: the coverage model's rule (extendCoverage).
  let covered = plan.firstDay !== null && plan.lastDay !== null ? dayCoverage(plan.firstDay, plan.lastDay, zone) : null;
  ctx.counts.unitsTotal = windows.length;
  ctx.counts.requests = 0;
  ctx.counts.requestsTotal = windows.length * source.requestsPerWindow;
  ctx.log.debug({ stream: source.stream, zone, windows: windows.length, segments: plan.segments }, 'planned statistics days');

  // After a zone change the stored rows are the old zone's: gone with the first window, whose
  // statement also holds the cursor in the new zone (their days are read again: plan.rereadFrom).
  let otherZoneRows = plan.zoneChanged;
  for (const window of windows) {
    const fetched = await source.fetch(ctx, window);
    const rows = fetched.filter((row) => row.day >= window.firstDay && row.day <= window.lastDay);
    if (rows.length < fetched.length) {
      ctx.log.warn({ stream: source.stream, dropped: fetched.length - rows.length, window: [window.firstDay, window.lastDay] }, 'Pancake sent statistics outside the requested days; they were ignored');
    }
    ctx.counts.records += fetched.length;
    const days = dayCoverage(window.firstDay, window.lastDay, zone);
    const next = covered === null ? days : extendCoverage(covered, { since: days.coveredFrom, until: days.watermark }, window.direction);
    const firstDay = localDay(next.coveredFrom, zone);
    const lastDay = addDays(localDay(next.watermark, zone), -1);
    const rereadFrom = plan.rereadFrom !== null && plan.rereadFrom < firstDay ? { rereadFrom: plan.rereadFrom } : {};
    const state: StreamState<DayCursor> = { ...next, cursor: { zone, lastDay, ...rereadFrom } };
    const written = await writeTogether(db, [
      // The window's own days are left to the upsert and rowsNotInPart when it has rows: one statement may not touch a row twice.
      ...(otherZoneRows ? [rowsOutsidePart(source.table, page.id, rows.length > 0 ? window : null)] : []),
      ...upsertParts(source.table, rows, ctx.onStorageWarning ?? null),
      // An empty answer for a whole window is more likely an API hiccup than a month of zeros
      // withdrawn: keep what is stored rather than wipe it.
      ...(rows.length > 0 ? [rowsNotInPart(source.table, page.id, window.firstDay, window.lastDay, rows)] : []),
      streamStatePart(page.id, source.stream, state),
    ]);
    otherZoneRows = false;
    covered = next;
    ctx.counts.rowsWritten += written; // added after the await: concurrent walks share the counter
    ctx.counts.unitsDone += 1;
    ctx.counts.requests += source.requestsPerWindow;
  }
}

export async function planDaily<Row extends StatsRow>(ctx: StreamContext, source: DailySource<Row>): Promise<StreamPlan> {
  const { plan, windows } = await plannedWindows(ctx, source as unknown as DailySource<StatsRow>);
  const parts = plan.segments.map((s) => `${s.fromDay} to ${s.toDay}${s.direction === 'down' ? ' (newest first)' : ''}`);
  return {
    units: windows.length,
    estimatedRequests: windows.length * source.requestsPerWindow,
    detail:
      windows.length > 0
        ? `${parts.join(', then ')} (${ctx.page.timezone}) in ${windows.length} window(s) of ≤ ${source.maxDays} day(s), ${source.requestsPerWindow} request(s) each`
        : 'no complete day to read',
  };
}
