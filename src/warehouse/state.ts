import { sql } from 'kysely';
import type { Queryable } from './upsert.js';

// Watermarks and cursors. A stream's state is written only inside the transaction that
// commits the rows it covers (docs/architecture.md, "Correctness rules"), which is why every writer here takes a Queryable that
// may be a transaction.

export interface StreamState<Cursor = unknown> {
  coveredFrom: Date | null;
  watermark: Date | null;
  cursor: Cursor | null;
}

export async function readStreamState<Cursor>(db: Queryable, pageId: string, stream: string): Promise<StreamState<Cursor>> {
  const row = await db
    .selectFrom('pancake.sync_state')
    .select(['covered_from', 'watermark', 'cursor'])
    .where('page_id', '=', pageId)
    .where('stream', '=', stream)
    .executeTakeFirst();
  return {
    coveredFrom: row?.covered_from ?? null,
    watermark: row?.watermark ?? null,
    cursor: (row?.cursor as Cursor | null | undefined) ?? null,
  };
}

export async function writeStreamState(db: Queryable, pageId: string, stream: string, state: StreamState): Promise<void> {
  const values = {
    covered_from: state.coveredFrom,
    watermark: state.watermark,
    cursor: state.cursor === null ? null : JSON.stringify(state.cursor),
  };
  await db
    .insertInto('pancake.sync_state')
    .values({ page_id: pageId, stream, ...values })
    .onConflict((oc) => oc.columns(['page_id', 'stream']).doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
}

// The single-writer locks and the run log live in their own modules; re-exported for the modules
// that import them from here.
export { withLockSession, type LockAttempt, type LockHolder, type LockSession } from './locks.js';
export { finishRun, startRun, type RunFailure, type RunStatus, type RunWarning } from './runs.js';
