import type { Transaction } from 'kysely';
import type { Database } from '../warehouse/schema.js';
import { readStreamState, writeStreamState, type StreamState } from '../warehouse/state.js';
import type { StreamContext } from './stream.js';
import { planRange, planWindows, type TimeWindow } from './windows.js';

/** A batch read from one window, and where the walk stands after it (null: the window is done). */
export interface WindowBatch<Rec, Position> {
  records: Rec[];
  position: Position | null;
}

/** A stream walked by since/until windows; the engine below does windows, resume and checkpoints. */
export interface WindowedSource<Rec, Position> {
  stream: string;
  read(ctx: StreamContext, window: TimeWindow, from: Position | null): AsyncIterable<WindowBatch<Rec, Position>>;
  /** Writes a batch inside the checkpoint's transaction; returns rows changed. */
  write(trx: Transaction<Database>, ctx: StreamContext, records: Rec[]): Promise<number>;
}

interface WindowCursor<Position> {
  since: string;
  until: string;
  position: Position;
}

/**
 * Walks [from, to) window by window, oldest first. Each batch is committed together with the
 * stream's state in one transaction: killing the process at any instant loses nothing, and the
 * next run resumes inside the window where the last commit left it.
 */
export async function runWindowed<Rec, Position>(ctx: StreamContext, source: WindowedSource<Rec, Position>): Promise<void> {
  const { db, page, settings } = ctx;
  const state = await readStreamState<WindowCursor<Position>>(db, page.id, source.stream);
  const range = planRange(state, { ...settings, now: settings.now });
  const coveredFrom = range.resumes ? (state.coveredFrom as Date) : range.from;
  let watermark = range.resumes ? (state.watermark as Date) : range.from;

  const windows: Array<TimeWindow & { position: Position | null }> = [];
  const cursor = range.resumes ? state.cursor : null;
  const cursorSince = cursor ? new Date(cursor.since) : null;
  if (cursor && cursorSince && cursorSince >= range.from && cursorSince < range.to) {
    const cursorUntil = new Date(Math.min(new Date(cursor.until).getTime(), range.to.getTime()));
    windows.push(...planWindows(range.from, cursorSince, settings.windowDays).map((w) => ({ ...w, position: null })));
    windows.push({ since: cursorSince, until: cursorUntil, position: cursor.position });
    windows.push(...planWindows(cursorUntil, range.to, settings.windowDays).map((w) => ({ ...w, position: null })));
  } else {
    windows.push(...planWindows(range.from, range.to, settings.windowDays).map((w) => ({ ...w, position: null })));
  }
  ctx.counts.unitsTotal = windows.length;
  ctx.log.debug({ stream: source.stream, from: range.from, to: range.to, windows: windows.length, resumes: range.resumes }, 'planned windows');

  for (const window of windows) {
    let finished = false;
    for await (const batch of source.read(ctx, window, window.position)) {
      ctx.counts.records += batch.records.length;
      const done = batch.position === null;
      const next: StreamState<WindowCursor<Position>> = {
        coveredFrom,
        watermark: done && window.until > watermark ? window.until : watermark,
        cursor: done ? null : { since: window.since.toISOString(), until: window.until.toISOString(), position: batch.position as Position },
      };
      await db.transaction().execute(async (trx) => {
        const written = await source.write(trx, ctx, batch.records);
        ctx.counts.rowsWritten += written; // read after the await: concurrent walks share the counter
        await writeStreamState(trx, page.id, source.stream, next);
      });
      watermark = next.watermark as Date;
      if (done) {
        finished = true;
        break;
      }
    }
    if (!finished) throw new Error(`${source.stream}: the walk of window ${window.since.toISOString()}..${window.until.toISOString()} ended without finishing it`);
    ctx.counts.unitsDone += 1;
  }
  if (windows.length === 0 && !range.resumes) {
    await writeStreamState(db, page.id, source.stream, { coveredFrom, watermark, cursor: null });
  }
}

/** How many windows a run of this stream would walk (for --dry-run and progress). */
export async function countWindows(ctx: StreamContext, stream: string): Promise<{ windows: TimeWindow[]; resumes: boolean }> {
  const state = await readStreamState(ctx.db, ctx.page.id, stream);
  const range = planRange(state, ctx.settings);
  return { windows: planWindows(range.from, range.to, ctx.settings.windowDays), resumes: range.resumes };
}
