import { deleteRowsNotIn } from '../../../warehouse/stats-replace.js';
import { readStreamState, writeStreamState, type StreamState } from '../../../warehouse/state.js';
import { upsertRows, type TableSpec } from '../../../warehouse/upsert.js';
import type { Stream, StreamContext, StreamPlan } from '../../stream.js';
import { type DayCursor, type DayWindow, dayStart, addDays, planDayRange, planDayWindows } from './days.js';

// The engine of every statistics stream: a day-range cursor re-read with a lookback. A stream
// declares its table, how many days one request may cover and how to turn one window's answers
// into rows; this file plans the days, walks the windows oldest first and commits each window's
// rows together with the cursor, so a killed run resumes at the first uncommitted window.

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

async function plannedWindows(ctx: StreamContext, source: DailySource<StatsRow>): Promise<{ state: StreamState<DayCursor>; windows: DayWindow[]; resumes: boolean; fromDay: string }> {
  const zone = ctx.page.timezone;
  const state = await readStreamState<DayCursor>(ctx.db, ctx.page.id, source.stream);
  const range = planDayRange(state, ctx.settings, zone);
  return { state, windows: planDayWindows(range.fromDay, range.toDay, zone, source.maxDays), resumes: range.resumes, fromDay: range.fromDay };
}

export async function runDaily<Row extends StatsRow>(ctx: StreamContext, source: DailySource<Row>): Promise<void> {
  const { db, page } = ctx;
  const { state, windows, resumes, fromDay } = await plannedWindows(ctx, source as unknown as DailySource<StatsRow>);
  const zone = page.timezone;
  const coveredFrom = resumes && state.coveredFrom ? state.coveredFrom : dayStart(fromDay, zone);
  let lastDay = resumes && state.cursor ? state.cursor.lastDay : null;
  ctx.counts.unitsTotal = windows.length;
  ctx.log.debug({ stream: source.stream, zone, windows: windows.length, from: windows[0]?.firstDay, to: windows.at(-1)?.lastDay, resumes }, 'planned statistics days');

  for (const window of windows) {
    const fetched = await source.fetch(ctx, window);
    const rows = fetched.filter((row) => row.day >= window.firstDay && row.day <= window.lastDay);
    if (rows.length < fetched.length) {
      ctx.log.warn({ stream: source.stream, dropped: fetched.length - rows.length, window: [window.firstDay, window.lastDay] }, 'Pancake sent statistics outside the requested days; they were ignored');
    }
    ctx.counts.records += fetched.length;
    // Resuming re-reads the lookback days: the cursor never moves back over days already stored.
    lastDay = lastDay !== null && lastDay > window.lastDay ? lastDay : window.lastDay;
    const next: StreamState<DayCursor> = { coveredFrom, watermark: dayStart(addDays(lastDay, 1), zone), cursor: { zone, lastDay } };
    await db.transaction().execute(async (trx) => {
      const written = await upsertRows(trx, source.table, rows);
      // An empty answer for a whole window is more likely an API hiccup than a month of zeros
      // withdrawn: keep what is stored rather than wipe it.
      const removed = rows.length > 0 ? await deleteRowsNotIn(trx, source.table, page.id, window.firstDay, window.lastDay, rows) : 0;
      ctx.counts.rowsWritten += written + removed; // read after the await: concurrent walks share the counter
      await writeStreamState(trx, page.id, source.stream, next);
    });
    ctx.counts.unitsDone += 1;
  }
}

export async function planDaily<Row extends StatsRow>(ctx: StreamContext, source: DailySource<Row>): Promise<StreamPlan> {
  const { windows, resumes } = await plannedWindows(ctx, source as unknown as DailySource<StatsRow>);
  const first = windows[0];
  const last = windows.at(-1);
  return {
    units: windows.length,
    estimatedRequests: windows.length * source.requestsPerWindow,
    detail:
      first && last
        ? `${resumes ? 'resume' : 'from'} ${first.firstDay} to ${last.lastDay} (${ctx.page.timezone}) in ${windows.length} window(s) of ≤ ${source.maxDays} day(s), ${source.requestsPerWindow} request(s) each`
        : 'no complete day to read',
  };
}
