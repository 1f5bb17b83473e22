import { sql } from 'kysely';
import { writeTogether, type WritePart } from './statement.js';
import type { Queryable } from './table-spec.js';

// Watermarks and cursors. A stream's state is written only inside the transaction that
// commits the rows it covers (docs/architecture.md, "Correctness rules"), which is why every writer here takes a Queryable that
// may be a transaction.

export interface StreamState<Cursor = unknown> {
  coveredFrom: Date | null;
  watermark: Date | null;
  cursor: Cursor | null;
}

// least() skips nulls: a stream without a watermark must keep none.
const effectiveWatermark = sql<Date | null>`case when watermark is null then null else least(watermark, updated_at) end`;

/**
 * A stream's state. The watermark is read as no later than the moment the row was written: a
 * watermark past that (stored by older versions from a future --until) claims records no one could
 * have read yet, and taking it as is would make every later run skip them.
 */
export async function readStreamState<Cursor>(db: Queryable, pageId: string, stream: string): Promise<StreamState<Cursor>> {
  const row = await db
    .selectFrom('pancake.sync_state')
    .select(['covered_from', 'cursor', effectiveWatermark.as('watermark')])
    .where('page_id', '=', pageId)
    .where('stream', '=', stream)
    .executeTakeFirst();
  return {
    coveredFrom: row?.covered_from ?? null,
    watermark: row?.watermark ?? null,
    cursor: (row?.cursor as Cursor | null | undefined) ?? null,
  };
}

/** Every stream's coverage, for `status`: watermarks read as readStreamState reads them. */
export async function listCoverage(db: Queryable): Promise<Array<{ pageId: string; stream: string; coveredFrom: Date | null; watermark: Date | null }>> {
  const rows = await db
    .selectFrom('pancake.sync_state')
    .select(['page_id', 'stream', 'covered_from', effectiveWatermark.as('watermark')])
    .execute();
  return rows.map((r) => ({ pageId: r.page_id, stream: r.stream, coveredFrom: r.covered_from, watermark: r.watermark }));
}

export async function writeStreamState(db: Queryable, pageId: string, stream: string, state: StreamState): Promise<void> {
  await writeTogether(db, [streamStatePart(pageId, stream, state)]);
}

/** The state write as a part of a statement (statement.ts): a checkpoint written with its rows. */
export function streamStatePart(pageId: string, stream: string, state: StreamState): WritePart {
  const cursor = state.cursor === null ? null : JSON.stringify(state.cursor);
  return {
    size: cursor?.length ?? 0,
    counts: false,
    render: (p) =>
      `insert into pancake.sync_state (page_id, stream, covered_from, watermark, cursor) ` +
      `values (${p.add(pageId)}, ${p.add(stream)}, ${p.add(state.coveredFrom)}::timestamptz, ${p.add(state.watermark)}::timestamptz, ${p.add(cursor)}::jsonb) ` +
      `on conflict (page_id, stream) do update set covered_from = excluded.covered_from, watermark = excluded.watermark, cursor = excluded.cursor, updated_at = now()`,
  };
}

// The single-writer locks and the run log live in their own modules; re-exported for the modules
// that import them from here.
export { withLockSession, type LockAttempt, type LockHolder, type LockSession } from './locks.js';
export { finishRun, startRun, type RunFailure, type RunStatus, type RunWarning } from './runs.js';
