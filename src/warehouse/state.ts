import { sql } from 'kysely';
import { writeTogether, type WritePart } from './write-together.js';
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

/** Every stream's coverage and last sweep, for `status`: watermarks read as readStreamState reads them. */
export async function listCoverage(db: Queryable): Promise<Array<{ pageId: string; stream: string; coveredFrom: Date | null; watermark: Date | null; sweptAt: Date | null; sweeping: boolean }>> {
  const rows = await db
    .selectFrom('pancake.sync_state')
    .select(['page_id', 'stream', 'covered_from', effectiveWatermark.as('watermark'), 'swept_at', sql<boolean>`sweep_cursor is not null`.as('sweeping')])
    .execute();
  return rows.map((r) => ({ pageId: r.page_id, stream: r.stream, coveredFrom: r.covered_from, watermark: r.watermark, sweptAt: r.swept_at, sweeping: r.sweeping }));
}

/** `sweptAt`: the stream listed everything it covers at that instant (a snapshot, a backfill's start); undefined keeps what is stored. */
export async function writeStreamState(db: Queryable, pageId: string, stream: string, state: StreamState, sweptAt?: Date): Promise<void> {
  await writeTogether(db, [streamStatePart(pageId, stream, state, sweptAt)]);
}

/**
 * The state write as a part of a statement (write-together.ts): a checkpoint written with its rows.
 * `sweptAt` sets the last sweep too (src/sync/engines/sweep.ts); undefined keeps the stored one.
 */
export function streamStatePart(pageId: string, stream: string, state: StreamState, sweptAt?: Date): WritePart {
  const cursor = state.cursor === null ? null : JSON.stringify(state.cursor);
  return {
    size: cursor?.length ?? 0,
    counts: false,
    render: (p) =>
      `insert into pancake.sync_state (page_id, stream, covered_from, watermark, cursor, swept_at) ` +
      `values (${p.add(pageId)}, ${p.add(stream)}, ${p.add(state.coveredFrom)}::timestamptz, ${p.add(state.watermark)}::timestamptz, ${p.add(cursor)}::jsonb, ${p.add(sweptAt ?? null)}::timestamptz) ` +
      `on conflict (page_id, stream) do update set covered_from = excluded.covered_from, watermark = excluded.watermark, cursor = excluded.cursor, ` +
      `${sweptAt === undefined ? '' : 'swept_at = excluded.swept_at, '}updated_at = now()`,
  };
}

// The single-writer locks live in their own module; re-exported for the modules that import them from here.
export { withLockSession, type LockAttempt, type LockHolder, type LockSession } from './locks.js';
