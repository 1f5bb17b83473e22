import { readStreamState, streamStatePart } from '../../warehouse/state.js';
import { writeTogether, type WritePart } from '../../warehouse/write-together.js';
import { upsertParts, type TableSpec } from '../../warehouse/upsert.js';
import type { TimeWindow } from '../../pancake/window.js';
import { extendCoverage, planCoverage, segmentWindows, type CoveragePlan, type Segment } from './coverage.js';
import { skippedRecords } from '../skipped-records.js';
import { StreamUnavailableError } from '../errors.js';
import type { Stream, StreamContext, StreamPlan } from '../stream.js';
import { plannedSweep, sweepIfDue } from './sweep.js';
import { reportStuckWalk, type SweepTarget, type WindowedSource } from './windowed-source.js';

export type { SweepTarget, WindowedSource } from './windowed-source.js';

// The engine of every stream read by since/until windows (conversations, customers, call logs,
// posts, and any stream declared with `windowedStream`). It plans from the stored coverage
// (coverage.ts), walks each window batch by batch and commits every batch with the stream's state
// in one statement: killing the process at any instant loses nothing, and the next run resumes
// inside the window where the last commit left it. A list stream is swept now and then over its
// whole covered range, after its windows (sweep.ts).

/** A window whose walk was interrupted, and where inside it the walk stood. */
interface OpenWindow<Position> {
  since: string;
  until: string;
  direction: Segment['direction'];
  position: Position;
}

/**
 * What sync_state.cursor holds: the windows left half-read, at most one per direction (a run that
 * walks the newer part first must not forget where an older part's walk stood). Older versions
 * stored a single window without `open`; it is read as an upward one.
 */
interface WindowCursor<Position> {
  open: Array<OpenWindow<Position>>;
}

interface PlannedWindow<Position> extends TimeWindow {
  direction: Segment['direction'];
  position: Position | null;
}

/** The windows of a run, in walking order, with any open window of the last run resumed in place. */
export async function planWindowedRun<Position>(ctx: StreamContext, stream: string): Promise<{ plan: CoveragePlan; windows: Array<PlannedWindow<Position>>; open: Array<OpenWindow<Position>>; fresh: boolean }> {
  const state = await readStreamState<WindowCursor<Position> | (Omit<OpenWindow<Position>, 'direction'>)>(ctx.db, ctx.page.id, stream);
  const open = openWindows(state.cursor);
  // An interrupted fresh walk has no coverage yet: anchor the plan where its open window ends.
  const anchor = state.coveredFrom === null && open[0] ? new Date(open[0].direction === 'down' ? open[0].until : open[0].since) : null;
  const plan = planCoverage(state, ctx.settings, anchor);
  const windows: Array<PlannedWindow<Position>> = [];
  const unused = [...open];
  for (const segment of plan.segments) {
    let rest = segment;
    // Only a window that starts at the segment's edge and lies inside it continues where it stood;
    // any other is read again from its start (its position belongs to a range no longer asked for).
    const at = unused.findIndex((w) => w.direction === segment.direction && fits(w, segment));
    if (at >= 0) {
      const [resumed] = unused.splice(at, 1) as [OpenWindow<Position>];
      const window = { since: new Date(resumed.since), until: new Date(resumed.until) };
      windows.push({ ...window, direction: segment.direction, position: resumed.position });
      rest = segment.direction === 'up' ? { ...segment, from: window.until } : { ...segment, to: window.since };
    }
    windows.push(...segmentWindows(rest, ctx.settings.windowDays).map((w) => ({ ...w, direction: segment.direction, position: null })));
  }
  return { plan, windows, open: unused, fresh: state.coveredFrom === null };
}

/** Walks the planned windows; each batch commits with the coverage and open windows it leaves. */
async function runWindowed<Rec, Position>(ctx: StreamContext, source: WindowedSource<Rec, Position>): Promise<void> {
  const { db, page } = ctx;
  const { plan, windows, open, fresh } = await planWindowedRun<Position>(ctx, source.stream);
  // A walk from scratch lists everything it covers: it counts as this stream's sweep (sweep.ts).
  const sweptAt = fresh ? ctx.settings.now : undefined;
  // A direction whose walk the API stopped moving forward: its later windows could not join the coverage.
  const stuck = new Set<Segment['direction']>();
  // Coverage as stored; an empty one (a fresh walk) is stored as nulls until a window completes.
  let coverage = { coveredFrom: plan.coveredFrom, watermark: plan.watermark };
  let hasCoverage = plan.coveredFrom < plan.watermark;
  // Open windows of the last run that this run does not resume keep their place in the cursor.
  const parked = open;
  ctx.counts.unitsTotal = windows.length;
  ctx.counts.requests = 0;
  ctx.counts.requestsTotal = windows.length;
  ctx.log.debug({ stream: source.stream, segments: plan.segments, windows: windows.length }, 'planned windows');

  for (const [index, window] of windows.entries()) {
    // Past the page's newest days (recent-first.ts): their messages go first.
    const recent = ctx.recentFirst;
    if (recent && windows.slice(index).every((w) => w.until <= recent.horizon)) {
      recent.walkReachedHorizon();
      await recent.complete;
    }
    if (stuck.has(window.direction)) continue;
    let finished = false;
    for await (const batch of source.read(ctx, window, window.position)) {
      ctx.counts.records += batch.records.length;
      // Every walk yields one batch per API request; a window not done needs one more at least.
      ctx.counts.requests += 1;
      ctx.counts.requestsTotal = Math.max(ctx.counts.requestsTotal, ctx.counts.requests + windows.length - index - (batch.position === null ? 1 : 0));
      if (batch.stuck !== undefined) {
        // What was read is stored; the coverage stays as it was and the window leaves the cursor,
        // so the next run reads it again from its start.
        const checkpoint = streamStatePart(page.id, source.stream, { coveredFrom: hasCoverage ? coverage.coveredFrom : null, watermark: hasCoverage ? coverage.watermark : null, cursor: parked.length > 0 ? { open: parked } : null }, sweptAt);
        ctx.counts.rowsWritten += await writeTogether(db, [...source.write(ctx, batch.records), checkpoint]);
        reportStuckWalk(ctx, source.stream, window, batch.stuck);
        stuck.add(window.direction);
        finished = true;
        break;
      }
      const done = batch.position === null;
      const next = done ? extendCoverage(coverage, window, window.direction) : coverage;
      const openNow: Array<OpenWindow<Position>> = done
        ? parked
        : [{ since: window.since.toISOString(), until: window.until.toISOString(), direction: window.direction, position: batch.position as Position }, ...parked.filter((w) => w.direction !== window.direction)];
      const covered = hasCoverage || done;
      const checkpoint = streamStatePart(page.id, source.stream, {
        coveredFrom: covered ? next.coveredFrom : null,
        watermark: covered ? next.watermark : null,
        cursor: openNow.length > 0 ? { open: openNow } : null,
      }, sweptAt);
      const written = await writeTogether(db, [...source.write(ctx, batch.records), checkpoint]);
      ctx.counts.rowsWritten += written; // added after the await: concurrent walks share the counter
      coverage = next;
      hasCoverage = covered;
      if (done) {
        finished = true;
        break;
      }
    }
    if (!finished) throw new Error(`${source.stream}: the walk of window ${window.since.toISOString()}..${window.until.toISOString()} ended without finishing it`);
    if (!stuck.has(window.direction)) ctx.counts.unitsDone += 1;
  }
  ctx.recentFirst?.walkReachedHorizon();
  // A stream walked from scratch in this run needs no sweep; nor does one whose walk got stuck.
  if (source.sweep && !fresh && stuck.size === 0 && hasCoverage) await sweepIfDue(ctx, source, source.sweep, { coveredFrom: coverage.coveredFrom, watermark: coverage.watermark });
}

/** The --dry-run plan of a windowed stream: its parts, windows, and what each window costs. */
async function windowedPlan(ctx: StreamContext, stream: string, costPerWindow: string, swept = false): Promise<StreamPlan> {
  const { plan, windows, fresh } = await planWindowedRun(ctx, stream);
  const parts = plan.segments.map((s) => `${s.from.toISOString()} to ${s.to.toISOString()}${s.direction === 'down' ? ' (newest first)' : ''}`);
  const detail = windows.length > 0 ? `${parts.join(', then ')} in ${windows.length} window(s), ${costPerWindow}` : 'nothing to read';
  const base = { units: windows.length, estimatedRequests: windows.length, detail };
  return swept && !fresh ? withSweepPlan(ctx, stream, plan, base) : base;
}

/** A dry-run plan with the sweep this run would add (sweep.ts), when one is due. */
export async function withSweepPlan(ctx: StreamContext, stream: string, plan: CoveragePlan, base: StreamPlan): Promise<StreamPlan> {
  const sweep = await plannedSweep(ctx, stream, { coveredFrom: plan.coveredFrom, watermark: plan.end > plan.watermark ? plan.end : plan.watermark });
  if (!sweep.due) return base;
  return {
    ...base,
    units: base.units + sweep.windows,
    estimatedRequests: base.estimatedRequests + sweep.windows,
    detail: `${base.detail}; then a sweep of ${plan.coveredFrom.toISOString()} to ${plan.end.toISOString()} in ${sweep.windows} window(s) of up to 30 days`,
  };
}

/**
 * A windowed stream declared in one place: its name, its table, how it reads a window (one of the
 * walkers in src/pancake/) and how a record becomes a row. docs/architecture.md, "Adding a stream".
 */
export interface WindowedStreamSpec<Rec, Row, Position> {
  name: string;
  /** One line for --help and status. */
  description: string;
  table: TableSpec<Row>;
  read: WindowedSource<Rec, Position>['read'];
  map(record: Rec, ctx: StreamContext): Row;
  /**
   * The record's id (default: its field named like the table's key column after page_id, as
   * `id` or `call_id`): a record without a usable one is skipped (skipped-records.ts).
   */
  idOf?(record: Rec): unknown;
  /** Rows of other tables that change with each batch: writes made in the same statement (write-together.ts). */
  alsoWrite?(ctx: StreamContext, records: Rec[], rows: Row[]): WritePart[];
  /** For --dry-run: what one window costs, in words. */
  costPerWindow: string;
  /** Overrides the dry-run plan (when the stream knows better than one request per window). */
  plan?(ctx: StreamContext): Promise<StreamPlan>;
  /** See Stream.newestFirst: the walk that reads a page's newest days first. */
  newestFirst?: 'walk';
  /** A list stream that sweeps re-lists its covered range now and then (sweep.ts). */
  sweep?: SweepTarget<Rec>;
  /**
   * Why the stream cannot run for this page (a setting it needs is missing), or null when it can:
   * the run then ends as unavailable rather than failed, and --dry-run says why.
   */
  unavailable?(ctx: StreamContext): string | null;
}

/** Builds the Stream the runner sees from a windowed declaration. */
export function windowedStream<Rec, Row extends { raw: unknown }, Position>(spec: WindowedStreamSpec<Rec, Row, Position>): Stream {
  const keyField = String(spec.table.key.filter((column) => column !== 'page_id').at(-1) ?? 'id');
  const idOf = spec.idOf ?? ((record: Rec) => (record as Record<string, unknown> | null)?.[keyField]);
  return {
    name: spec.name,
    table: spec.table.table,
    description: spec.description,
    async run(ctx) {
      const unavailable = spec.unavailable?.(ctx) ?? null;
      if (unavailable !== null) throw new StreamUnavailableError(unavailable);
      const skipped = skippedRecords(ctx, spec.name, keyField);
      const source: WindowedSource<Rec, Position> = {
        stream: spec.name,
        read: spec.read,
        write(ctx, records) {
          // Records and rows stay aligned for alsoWrite: both come from the records kept.
          const kept = skipped.keep(records, idOf);
          const rows = kept.map((record) => spec.map(record, ctx));
          return [...upsertParts(spec.table, rows, ctx.onStorageWarning ?? null), ...(spec.alsoWrite?.(ctx, kept, rows) ?? [])];
        },
        ...(spec.sweep && { sweep: spec.sweep }),
      };
      try {
        await runWindowed(ctx, source);
      } finally {
        skipped.report();
      }
    },
    async plan(ctx) {
      const unavailable = spec.unavailable?.(ctx) ?? null;
      if (unavailable !== null) return { units: 0, estimatedRequests: 0, detail: `unavailable: ${unavailable}` };
      return spec.plan ? spec.plan(ctx) : windowedPlan(ctx, spec.name, spec.costPerWindow, spec.sweep !== undefined);
    },
    ...(spec.newestFirst && { newestFirst: spec.newestFirst }),
  };
}

function openWindows<Position>(cursor: WindowCursor<Position> | Omit<OpenWindow<Position>, 'direction'> | null): Array<OpenWindow<Position>> {
  if (cursor === null || typeof cursor !== 'object') return [];
  if ('open' in cursor && Array.isArray(cursor.open)) return cursor.open.filter((w) => typeof w.since === 'string' && typeof w.until === 'string');
  if ('since' in cursor && typeof cursor.since === 'string' && typeof cursor.until === 'string') return [{ ...cursor, direction: 'up' }];
  return [];
}

function fits(window: { since: string; until: string }, segment: Segment): boolean {
  const since = new Date(window.since).getTime();
  const until = new Date(window.until).getTime();
  const from = segment.from.getTime();
  const to = segment.to.getTime();
  if (!(since < until && since >= from && until <= to)) return false;
  return segment.direction === 'up' ? since === from : until === to;
}
